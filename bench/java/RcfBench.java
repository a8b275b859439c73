import com.amazon.randomcutforest.RandomCutForest;
import com.amazon.randomcutforest.parkservices.AnomalyDescriptor;
import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * The Java reference side of `npm run bench` (bench/javaReference.ts drives it): reads one command per line on
 * stdin and answers one JSON object per line on stdout. The data come from the bench as a file of little-endian
 * float64 inputs, row-major, so both engines see exactly the same values.
 *
 *   forest FILE INPUTS SHINGLE TREES SAMPLE WARMUP SEED
 *     RandomCutForest with internal shingling (dimensions = INPUTS * SHINGLE), otherwise the library defaults.
 *     A warm-up forest runs score+update over the first WARMUP inputs; then a fresh forest is timed over all
 *     inputs (score, then update), then score-only and update-only passes over them on that forest.
 *     Answers {"scoreUpdatePerSec","scorePerSec","updatePerSec","bytes","checksum"}; bytes is the heap the
 *     forest holds after the timed pass (used heap after full collections, with and without it).
 *   detector FILE INPUTS WARMUP SEED CACHE
 *     ThresholdedRandomCutForest with OpenSearch Anomaly Detection's single-stream settings (ModelColdStart),
 *     bounding-box cache fraction CACHE; the same warm-up, then a fresh detector timed over all inputs.
 *     Answers {"pointsPerSec","bytes","checksum"}.
 *   quit
 *
 * Errors are answered as {"error": "..."}; the driver keeps reading.
 */
public final class RcfBench {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
        System.out.println(String.format(Locale.ROOT, "{\"ready\":true,\"java\":\"%s\"}", System.getProperty("java.version")));
        System.out.flush();
        String line;
        while ((line = in.readLine()) != null) {
            String[] a = line.trim().split("\\s+");
            if (a.length == 0 || a[0].isEmpty()) continue;
            if (a[0].equals("quit")) break;
            String answer;
            try {
                if (a[0].equals("forest") && a.length == 8) {
                    answer = forest(read(a[1], Integer.parseInt(a[2])), Integer.parseInt(a[3]), Integer.parseInt(a[4]),
                            Integer.parseInt(a[5]), Integer.parseInt(a[6]), Long.parseLong(a[7]));
                } else if (a[0].equals("detector") && a.length == 6) {
                    answer = detector(read(a[1], Integer.parseInt(a[2])), Integer.parseInt(a[3]), Long.parseLong(a[4]),
                            Double.parseDouble(a[5]));
                } else {
                    answer = error("unknown command: " + line);
                }
            } catch (Exception e) {
                answer = error(e.toString());
            }
            System.out.println(answer);
            System.out.flush();
        }
    }

    private static String error(String message) {
        return "{\"error\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    }

    private static double[][] read(String file, int inputs) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(Paths.get(file))).order(ByteOrder.LITTLE_ENDIAN);
        int rows = buf.remaining() / (8 * inputs);
        if (rows * 8 * inputs != buf.remaining()) throw new IOException(file + " does not hold rows of " + inputs + " float64 values");
        double[][] out = new double[rows][inputs];
        for (int r = 0; r < rows; r++) for (int d = 0; d < inputs; d++) out[r][d] = buf.getDouble();
        return out;
    }

    private static RandomCutForest newForest(int inputs, int shingle, int trees, int sample, long seed) {
        return RandomCutForest.builder().dimensions(inputs * shingle).shingleSize(shingle).internalShinglingEnabled(true)
                .numberOfTrees(trees).sampleSize(sample).randomSeed(seed).build();
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) System.gc();
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    private static double perSec(int points, long nanos) {
        return Math.round(points * 1e9 / nanos);
    }

    /*
     * Heap figures: a model is created and run inside a method that has returned before the heap is measured, and
     * held only by a one-element array: the heap is measured with it, the array is emptied, and the heap measured
     * again. A local variable of a running method can keep an object reachable after its last use (an interpreted
     * frame keeps every slot), so "the heap after minus the heap before" counted or missed whole models (the
     * 5-metric detector line read 0.06 MB, and below zero with the serial collector). With G1 (the JVM's default,
     * what the bench runs) the figures now repeat to the byte from one request to the next; the serial collector
     * still reads more for the first detector of each kind (0.3-2.7 MB for the single series), not explained.
     */
    private static long heldBytes(Object[] keep) {
        long with = usedHeap();
        keep[0] = null;
        return with - usedHeap();
    }

    private static String forest(double[][] data, int shingle, int trees, int sample, int warmup, long seed) {
        int inputs = data[0].length;
        float[][] points = new float[data.length][];
        for (int i = 0; i < data.length; i++) {
            points[i] = new float[inputs];
            for (int d = 0; d < inputs; d++) points[i][d] = (float) data[i][d];
        }
        double[] out = new double[4];
        runForest(points, inputs, shingle, trees, sample, Math.min(warmup, points.length), seed, new Object[1], out);
        Object[] keep = new Object[1];
        runForest(points, inputs, shingle, trees, sample, 0, seed, keep, out);
        long bytes = heldBytes(keep);
        return String.format(Locale.ROOT, "{\"scoreUpdatePerSec\":%.0f,\"scorePerSec\":%.0f,\"updatePerSec\":%.0f,\"bytes\":%d,\"checksum\":%s}",
                out[0], out[1], out[2], bytes, Double.toString(out[3]));
    }

    /**
     * With `warmup` > 0: a warm-up pass (score then update) over that many points, nothing timed. Else a fresh forest
     * timed: score+update over every point, then score-only and update-only, rates into out[0..2]. The forest is
     * left in keep[0]; the scores' sum is added to out[3].
     */
    private static void runForest(float[][] points, int inputs, int shingle, int trees, int sample, int warmup, long seed, Object[] keep, double[] out) {
        RandomCutForest f = newForest(inputs, shingle, trees, sample, seed);
        keep[0] = f;
        double sink = 0;
        if (warmup > 0) {
            for (int i = 0; i < warmup; i++) {
                sink += f.getAnomalyScore(points[i]);
                f.update(points[i]);
            }
            out[3] += sink;
            return;
        }
        long t0 = System.nanoTime();
        for (float[] p : points) {
            sink += f.getAnomalyScore(p);
            f.update(p);
        }
        out[0] = perSec(points.length, System.nanoTime() - t0);
        // Score-only and update-only: the internal shingle advances on update only, so score every point's shingle
        // as it stands (the last one), as the TypeScript side scores its last shingled point.
        t0 = System.nanoTime();
        for (float[] p : points) sink += f.getAnomalyScore(p);
        out[1] = perSec(points.length, System.nanoTime() - t0);
        t0 = System.nanoTime();
        for (float[] p : points) f.update(p);
        out[2] = perSec(points.length, System.nanoTime() - t0);
        out[3] += sink;
    }

    private static String detector(double[][] data, int warmup, long seed, double cache) {
        double[] out = new double[2];
        runDetector(data, Math.min(warmup, data.length), seed, cache, new Object[1], out);
        Object[] keep = new Object[1];
        runDetector(data, data.length, seed, cache, keep, out);
        long bytes = heldBytes(keep);
        return String.format(Locale.ROOT, "{\"pointsPerSec\":%.0f,\"bytes\":%d,\"checksum\":%s}", out[1], bytes, Double.toString(out[0]));
    }

    /** A detector run over the first `steps` rows, its rate into out[1] and its grades and scores added to out[0]; left in keep[0]. */
    private static void runDetector(double[][] data, int steps, long seed, double cache, Object[] keep, double[] out) {
        ThresholdedRandomCutForest d = TrcfReplay.newDetector(data[0].length, seed, cache);
        keep[0] = d;
        double sink = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            AnomalyDescriptor r = d.process(data[i], i);
            sink += r.getAnomalyGrade() + r.getRCFScore();
        }
        out[1] = perSec(steps, System.nanoTime() - t0);
        out[0] += sink;
    }
}
