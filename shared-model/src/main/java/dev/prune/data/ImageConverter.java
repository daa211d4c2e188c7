package dev.prune.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;

/**
 * Turns a decoded image into NCHW unsigned bytes of a given {@link ImageShape}: resized with
 * bilinear interpolation (Graphics2D), converted to 1 channel (grey, luma 0.299 R + 0.587 G +
 * 0.114 B) or 3 channels (R, G, B). Transparent pixels are composed over black. Grey source images
 * are resized in grey, so their values are not altered by a colour-space conversion.
 */
final class ImageConverter {

    private ImageConverter() {}

    static byte[] toNchwBytes(BufferedImage source, ImageShape shape) {
        int c = shape.channels();
        if (c != 1 && c != 3) {
            throw new InvalidDatasetException("channels = " + c + " is not supported: use 1 (grey) or 3 (RGB)");
        }
        int h = shape.height();
        int w = shape.width();
        int plane = h * w;
        byte[] out = new byte[c * plane];
        if (isGrey(source)) {
            Raster grey = resize(source, BufferedImage.TYPE_BYTE_GRAY, w, h).getRaster();
            int[] values = grey.getSamples(0, 0, w, h, 0, (int[]) null);
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < plane; i++) {
                    out[ch * plane + i] = (byte) values[i];
                }
            }
            return out;
        }
        BufferedImage rgb = resize(source, BufferedImage.TYPE_INT_RGB, w, h);
        int[] argb = rgb.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < plane; i++) {
            int r = (argb[i] >> 16) & 0xFF;
            int g = (argb[i] >> 8) & 0xFF;
            int b = argb[i] & 0xFF;
            if (c == 1) {
                out[i] = (byte) Math.round(0.299f * r + 0.587f * g + 0.114f * b);
            } else {
                out[i] = (byte) r;
                out[plane + i] = (byte) g;
                out[2 * plane + i] = (byte) b;
            }
        }
        return out;
    }

    private static boolean isGrey(BufferedImage image) {
        return image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && !image.getColorModel().hasAlpha()
                && image.getRaster().getNumBands() == 1;
    }

    private static BufferedImage resize(BufferedImage source, int type, int w, int h) {
        BufferedImage target = new BufferedImage(w, h, type);
        Graphics2D g = target.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(source, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return target;
    }
}
