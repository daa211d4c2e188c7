package dev.prune.cli;

import dev.prune.error.PruningException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The ./pruning command. */
@Command(name = "pruning", mixinStandardHelpOptions = true, version = "pruning 0.1.0",
        description = "Structured filter pruning of CNNs with the first-order Taylor criterion.",
        subcommands = {BenchCommand.class, DemoCommand.class, StartCommand.class, StatusCommand.class, RunsCommand.class,
                CancelCommand.class, ExportCommand.class, BaseCommand.class})
public final class PruningCli {

    public static void main(String[] args) {
        dev.prune.runtime.Nd4jRuntime.selectNativeBuild();
        var cli = new CommandLine(new PruningCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof PruningException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(cli.execute(args));
    }
}
