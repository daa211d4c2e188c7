package org.nd4j.nativeblas;

/**
 * DL4J 1.0.0-M2.1 asks this class (its old name) whether oneDNN is in use before it switches
 * on its oneDNN layer helpers; nd4j-native M2.1 moved it to
 * org.nd4j.linalg.cpu.nativecpu.bindings, so the check always failed and every conv ran through
 * the slow im2col path. This bridge answers for the moved class.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {
    }

    public static final class Environment {
        private static final Environment INSTANCE = new Environment();

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        public boolean isUseMKLDNN() {
            return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
        }
    }
}
