package dev.prune.cli;

import picocli.CommandLine.Option;

/** The options of every command that talks to the evaluator: where it is and the key to show it. */
final class EvaluatorOptions {
    @Option(names = "--url", description = "Evaluator URL (default: $PRUNING_URL or http://127.0.0.1:8080)")
    String url;
    @Option(names = ApiCredentials.KEY_OPTION, paramLabel = "KEY", description = "API key, sent as X-API-Key (default: "
            + "$PRUNING_API_KEY, else the key ./pruning demo wrote to .pruning/api-key; a bearer token goes in "
            + "$PRUNING_TOKEN). A key on the command line is visible to other users in ps: prefer the variable.")
    String apiKey;

    RunsClient client() {
        return new RunsClient(url != null ? url : RunsClient.defaultUrl(), ApiCredentials.lookup(apiKey));
    }
}
