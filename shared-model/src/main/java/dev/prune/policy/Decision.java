package dev.prune.policy;

/**
 * What to do after an iteration.
 *
 * @param bestIteration the iteration whose checkpoint is the run's result so far (0 = the base)
 */
public record Decision(Action action, String reason, int bestIteration) {
    public enum Action { CONTINUE, STOP }

    public boolean isStop() {
        return action == Action.STOP;
    }
}
