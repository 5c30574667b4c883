package dev.retouch.cli;

import dev.retouch.core.RetouchException;
import dev.retouch.core.io.Json;
import dev.retouch.diffusion.diffusers.DiffusersConfigs;
import dev.retouch.diffusion.diffusers.DiffusersPipeline;
import dev.retouch.diffusion.diffusers.SingleFileCheckpoint;
import dev.retouch.diffusion.unet.UNet2DConditionConfig;
import dev.retouch.diffusion.unet.UNet2DConditionModel;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code retouch inspect}: what a Stable Diffusion pipeline (diffusers layout) holds, as our classes build it. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Describe a Stable Diffusion pipeline in diffusers' layout (model_index.json, unet/, vae/, "
                + "text_encoder/, tokenizer/, scheduler/): the structure our classes build from each component's "
                + "config, its parameter count, and every difference between the tensors they expect and the weight "
                + "files' headers (no weight is read). With --unet-config, a UNet config.json alone, without weights.",
        footer = {"", "Examples:", "  bin/retouch inspect --model ~/models/stable-diffusion-v1-5",
                "  bin/retouch inspect --unet-config unet/config.json",
                "  bin/retouch export-diffusers --model emoji-ldm --out out/emoji-ldm-diffusers && "
                        + "bin/retouch inspect --model out/emoji-ldm-diffusers"})
final class InspectCommand implements Runnable {
    @Mixin
    Common common;

    static final class Source {
        @Option(names = "--model", paramLabel = "DIR|FILE", description = "A diffusers pipeline directory, or a "
                + "Stable Diffusion 1.x single-file checkpoint (.safetensors).")
        Path model;

        @Option(names = "--unet-config", paramLabel = "FILE", description = "A diffusers UNet2DConditionModel "
                + "config.json (no weights needed).")
        Path unetConfig;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Override
    public void run() {
        common.apply();
        Map<String, Object> row = new LinkedHashMap<>();
        if (source.unetConfig != null) {
            UNet2DConditionConfig c = DiffusersConfigs.unet(Json.readTree(source.unetConfig), source.unetConfig);
            row.put("unet", DiffusersPipeline.unetSummary(c));
            row.put("unet_parameters", new UNet2DConditionModel(c).parameterCount());
            CliSupport.print(common, row);
            return;
        }
        boolean single = SingleFileCheckpoint.isSingleFile(source.model);
        DiffusersPipeline.Configs configs = single ? null : DiffusersPipeline.configs(source.model);
        row.put("pipeline", single ? "Stable Diffusion 1.x single-file checkpoint" : configs.pipelineClass());
        List<DiffusersPipeline.Component> components = single ? SingleFileCheckpoint.inspect(source.model)
                : DiffusersPipeline.inspect(source.model);
        long total = 0;
        int problems = 0;
        for (DiffusersPipeline.Component c : components) {
            row.put(c.name(), c.summary());
            row.put(c.name() + "_parameters", c.parameters());
            row.put(c.name() + "_weights", c.mismatches().isEmpty() ? "match (" + c.weightsParameters()
                    + " parameters stored)" : c.mismatches().size() + " difference(s), first: " + c.mismatches().get(0));
            total += c.parameters();
            problems += c.mismatches().size();
        }
        if (single) {
            row.put("scheduler", "SCALED_LINEAR betas 8.5E-4–0.012, EPSILON, steps_offset 1 (Stable Diffusion 1.x's; "
                    + "not in the file)");
            row.put("tokenizer", "OpenAI CLIP's (bundled; not in the file)");
        } else {
            row.put("scheduler", configs.scheduler().className() + ": " + configs.noise().betaSchedule() + " betas "
                    + configs.noise().betaStart() + "–" + configs.noise().betaEnd() + ", "
                    + configs.noise().predictionType() + ", steps_offset " + configs.scheduler().stepsOffset() + ", "
                    + configs.scheduler().timestepSpacing() + " spacing" + (configs.scheduler().timestepSpacing()
                    .equals("leading") ? "" : " (not applied: our samplers space leading, without the offset)"));
            row.put("tokenizer", configs.tokenizer().vocabSize() + " tokens, pads with id "
                    + configs.tokenizer().padId());
        }
        row.put("parameters", total);
        CliSupport.print(common, row);
        if (problems > 0) {
            throw new RetouchException(source.model + ": the weights do not match the configs (" + problems
                    + " difference(s); listed above)");
        }
    }
}
