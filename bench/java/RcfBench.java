import com.amazon.randomcutforest.RandomCutForest;
import com.amazon.randomcutforest.config.ForestMode;
import com.amazon.randomcutforest.config.ImputationMethod;
import com.amazon.randomcutforest.config.Precision;
import com.amazon.randomcutforest.config.TransformMethod;
import com.amazon.randomcutforest.parkservices.AnomalyDescriptor;
import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
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

    private static String forest(double[][] data, int shingle, int trees, int sample, int warmup, long seed) {
        int inputs = data[0].length;
        float[][] points = new float[data.length][];
        for (int i = 0; i < data.length; i++) {
            points[i] = new float[inputs];
            for (int d = 0; d < inputs; d++) points[i][d] = (float) data[i][d];
        }
        double sink = 0;
        RandomCutForest w = newForest(inputs, shingle, trees, sample, seed);
        for (int i = 0; i < Math.min(warmup, points.length); i++) {
            sink += w.getAnomalyScore(points[i]);
            w.update(points[i]);
        }
        w = null;
        long before = usedHeap();
        RandomCutForest f = newForest(inputs, shingle, trees, sample, seed);
        long t0 = System.nanoTime();
        for (float[] p : points) {
            sink += f.getAnomalyScore(p);
            f.update(p);
        }
        double scoreUpdate = perSec(points.length, System.nanoTime() - t0);
        long bytes = usedHeap() - before;
        // Score-only and update-only: the internal shingle advances on update only, so score every point's shingle
        // as it stands (the last one), as the TypeScript side scores its last shingled point.
        t0 = System.nanoTime();
        for (float[] p : points) sink += f.getAnomalyScore(p);
        double score = perSec(points.length, System.nanoTime() - t0);
        t0 = System.nanoTime();
        for (float[] p : points) f.update(p);
        double update = perSec(points.length, System.nanoTime() - t0);
        Reference.reachabilityFence(f);
        return String.format(Locale.ROOT, "{\"scoreUpdatePerSec\":%.0f,\"scorePerSec\":%.0f,\"updatePerSec\":%.0f,\"bytes\":%d,\"checksum\":%s}",
                scoreUpdate, score, update, bytes, Double.toString(sink));
    }

    private static ThresholdedRandomCutForest newDetector(int inputs, long seed, double cache) {
        int shingle = 8;
        int sample = 256;
        int minSamples = 32;
        double decay = 1.0 / (10 * sample);
        return ThresholdedRandomCutForest.builder().dimensions(inputs * shingle).sampleSize(sample).numberOfTrees(50)
                .timeDecay(decay).transformDecay(decay).outputAfter(Math.max(shingle, minSamples))
                .initialAcceptFraction(minSamples * 1.0 / sample).parallelExecutionEnabled(false).compact(true)
                .precision(Precision.FLOAT_32).boundingBoxCacheFraction(cache).shingleSize(shingle)
                .internalShinglingEnabled(true).anomalyRate(0.005).transformMethod(TransformMethod.NORMALIZE)
                .alertOnce(true).autoAdjust(true).forestMode(ForestMode.STREAMING_IMPUTE)
                .imputationMethod(ImputationMethod.PREVIOUS).randomSeed(seed).build();
    }

    private static String detector(double[][] data, int warmup, long seed, double cache) {
        int inputs = data[0].length;
        double sink = 0;
        ThresholdedRandomCutForest w = newDetector(inputs, seed, cache);
        for (int i = 0; i < Math.min(warmup, data.length); i++) sink += w.process(data[i], i).getAnomalyGrade();
        w = null;
        long before = usedHeap();
        ThresholdedRandomCutForest d = newDetector(inputs, seed, cache);
        long t0 = System.nanoTime();
        for (int i = 0; i < data.length; i++) {
            AnomalyDescriptor r = d.process(data[i], i);
            sink += r.getAnomalyGrade() + r.getRCFScore();
        }
        double rate = perSec(data.length, System.nanoTime() - t0);
        long bytes = usedHeap() - before;
        Reference.reachabilityFence(d);
        return String.format(Locale.ROOT, "{\"pointsPerSec\":%.0f,\"bytes\":%d,\"checksum\":%s}", rate, bytes, Double.toString(sink));
    }
}
