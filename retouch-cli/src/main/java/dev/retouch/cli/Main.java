package dev.retouch.cli;

import dev.retouch.core.RetouchException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The {@code retouch} command line. */
@Command(name = "retouch", mixinStandardHelpOptions = true, version = "retouch 0.1.0",
        description = "Diffusion-based image editing on the JVM.",
        subcommands = {SampleCommand.class, GenerateCommand.class, Img2ImgCommand.class, ReconstructCommand.class,
                SdeditCommand.class, DiffEditCommand.class, ScoreCommand.class, InspectCommand.class, ExportDiffusersCommand.class, CompareCommand.class, SegmentCommand.class, EditCommand.class,
                TrainCommand.class, FinetuneCommand.class, DataCommand.class, DemoCommand.class, ServeCommand.class, BenchCommand.class, EvalCommand.class, DoctorCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Examples:", "  bin/retouch demo --out out/demo", "  bin/retouch doctor",
                "  bin/retouch sample --model emoji-ddpm-32 --steps 50 --seed 1 --count 8 --out samples.png",
                "  bin/retouch <command> --help"})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit code (0 ok, 1 failure, 2 usage). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Main::handle);
        cl.setParameterExceptionHandler(Main::usage);
        return cl.execute(args);
    }

    private static int usage(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("error: " + e.getMessage());
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        boolean debug = parsed.hasMatchedOption("--debug")
                || (parsed.subcommand() != null && hasDebug(parsed));
        PrintWriter err = cl.getErr();
        if (debug) {
            e.printStackTrace(err);
        }
        String message = e instanceof RetouchException || e instanceof IllegalArgumentException
                ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
        err.println("error: " + message);
        err.flush();
        return e instanceof dev.retouch.core.InvalidRequestException ? cl.getCommandSpec().exitCodeOnInvalidInput() : 1;
    }

    private static boolean hasDebug(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }
}
