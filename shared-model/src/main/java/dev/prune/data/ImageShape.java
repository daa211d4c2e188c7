package dev.prune.data;

/** The shape of one image in NCHW order, without the batch dimension: channels x height x width. */
public record ImageShape(int channels, int height, int width) {

    public ImageShape {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new InvalidDatasetException("image shape " + channels + "x" + height + "x" + width
                    + " is not valid: channels, height and width must all be at least 1");
        }
        if ((long) channels * height * width > Integer.MAX_VALUE) {
            throw new InvalidDatasetException("image shape " + channels + "x" + height + "x" + width
                    + " has more than " + Integer.MAX_VALUE + " values per image: use a smaller size");
        }
    }

    /** Number of values in one image: channels * height * width. */
    public int valuesPerImage() {
        return channels * height * width;
    }

    /** The shape of a batch of {@code batchSize} images: [batchSize, C, H, W]. */
    public long[] batchShape(int batchSize) {
        return new long[] {batchSize, channels, height, width};
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
