package dev.retouch.edit.fewshot;

import dev.retouch.core.nn.Module;
import dev.retouch.diffusion.train.TrainingTask;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/** The baseline's objective: L1(G(x), y) on augmented pairs drawn with replacement. */
final class DirectTask implements TrainingTask {
    private final DirectRegressor model;
    private final PairTensors pairs;
    private final AugmentConfig augment;

    public DirectTask(DirectRegressor model, PairTensors pairs, AugmentConfig augment) {
        this.model = model;
        this.pairs = pairs;
        this.augment = augment;
    }

    @Override
    public Module model() {
        return model;
    }

    @Override
    public Tensor loss(int batchSize, Generator gen) {
        Tensor j = torch.randint(pairs.count(), new long[]{batchSize}, new GeneratorOptional(gen),
                new TensorOptions(torch.ScalarType.Long));
        Augment.Pair p = Augment.apply(pairs.x().index_select(0, j), pairs.y().index_select(0, j), augment, gen);
        return torch.l1_loss(model.forward(p.x()), p.y());
    }
}
