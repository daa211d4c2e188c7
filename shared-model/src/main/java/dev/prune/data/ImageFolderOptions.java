package dev.prune.data;

/**
 * How {@link ImageFolderDataset} turns image files into tensors: the number of channels
 * (1 = grey, 3 = RGB), the size every image is resized to, and an optional cap on images per class
 * ({@code maxImagesPerClass} 0 = no cap; with a cap, the first images by file name are kept).
 */
public record ImageFolderOptions(int channels, int height, int width, int maxImagesPerClass) {

    public ImageFolderOptions {
        if (channels != 1 && channels != 3) {
            throw new InvalidDatasetException("channels = " + channels + " is not supported: use 1 (grey) or 3 (RGB)");
        }
        if (height <= 0 || width <= 0) {
            throw new InvalidDatasetException("image size " + height + "x" + width
                    + " is not valid: height and width must be at least 1, e.g. 64x64");
        }
        if (maxImagesPerClass < 0) {
            throw new InvalidDatasetException("maxImagesPerClass = " + maxImagesPerClass
                    + " is not valid: pass 0 for all images or a positive cap");
        }
    }

    /** All images, {@code channels} x {@code height} x {@code width}. */
    public static ImageFolderOptions of(int channels, int height, int width) {
        return new ImageFolderOptions(channels, height, width, 0);
    }

    /** The same options, keeping at most {@code max} images per class (0 = all). */
    public ImageFolderOptions withMaxImagesPerClass(int max) {
        return new ImageFolderOptions(channels, height, width, max);
    }

    public ImageShape shape() {
        return new ImageShape(channels, height, width);
    }
}
