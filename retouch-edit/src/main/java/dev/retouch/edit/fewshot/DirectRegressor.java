package dev.retouch.edit.fewshot;

import dev.retouch.core.nn.Module;
import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The pix2pix-style baseline (Isola et al. 2017, the paper's "Pix2pix-20shots"): a U-Net generator with a tanh
 * output trained one-source-to-one-target with L1 on the same pairs and augmentation, without the adversarial term
 * (a direct regressor). Child {@code net}.
 */
public final class DirectRegressor extends Module {
    private final RegressorConfig config;
    private final ConvUNet net;

    public DirectRegressor(RegressorConfig config) {
        this.config = config;
        this.net = child("net", new ConvUNet(3, 3, config.channels(), 1, false));
    }

    public static DirectRegressor create(RegressorConfig config, long seed) {
        DirectRegressor r = new DirectRegressor(config);
        r.initialize(Tensors.generator(seed));
        return r;
    }

    public RegressorConfig config() {
        return config;
    }

    /** x (B, 3, H, W) in [−1, 1] → ŷ (B, 3, H, W) in (−1, 1). */
    public Tensor forward(Tensor x) {
        return torch.tanh(net.forward(x));
    }

    public long macs() {
        return net.macs(config.imageSize(), config.imageSize());
    }
}
