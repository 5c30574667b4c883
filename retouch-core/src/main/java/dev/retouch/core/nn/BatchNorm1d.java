package dev.retouch.core.nn;

import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Batch normalisation over (N, C) or (N, C, L): batch statistics in training mode (updating {@code running_mean}
 * and {@code running_var} with momentum 0.1, as PyTorch), running statistics in eval mode.
 */
public final class BatchNorm1d extends Module {
    private final double eps;
    private final double momentum;
    private final Tensor weight;
    private final Tensor bias;
    private final Tensor runningMean;
    private final Tensor runningVar;

    public BatchNorm1d(long features) {
        this.eps = 1e-5;
        this.momentum = 0.1;
        this.weight = parameter("weight", torch.ones(features));
        this.bias = parameter("bias", torch.zeros(features));
        this.runningMean = buffer("running_mean", torch.zeros(features));
        this.runningVar = buffer("running_var", torch.ones(features));
    }

    @Override
    protected void resetParameters(Generator gen) {
        Init.ones(weight);
        Init.zeros(bias);
        Init.zeros(runningMean);
        Init.ones(runningVar);
    }

    public Tensor forward(Tensor x) {
        return torch.batch_norm(x, new TensorOptional(weight), new TensorOptional(bias), new TensorOptional(runningMean),
                new TensorOptional(runningVar), isTraining(), momentum, eps, false);
    }
}
