import com.amazon.randomcutforest.config.ForestMode;
import com.amazon.randomcutforest.config.ImputationMethod;
import com.amazon.randomcutforest.config.Precision;
import com.amazon.randomcutforest.config.TransformMethod;
import com.amazon.randomcutforest.parkservices.AnomalyDescriptor;
import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;

/**
 * The reference detector of `cad quality --java-reference` (cli/quality/javaTrcf.ts drives it): OpenSearch Anomaly
 * Detection's ThresholdedRandomCutForest, with the settings OpenSearch AD gives a real-time detector (as in
 * bench/java/RcfBench.java), replayed over files the CLI wrote.
 *
 *   java TrcfReplay SEED CACHE LIST
 *
 * LIST holds one job per line, "IN<tab>OUT". IN has one row per step, "T,V1,...,VK" (T: the step's time in
 * seconds, increasing; V: the metrics); OUT receives one line per row, "SCORE,GRADE" (the forest's RCF score and
 * the anomaly grade OpenSearch reports, 0 when not anomalous). One fresh detector per file, seeded with SEED;
 * CACHE is the bounding-box cache fraction (OpenSearch: 0; 1 gives the same output, faster). After each file the
 * driver prints OUT on stdout; errors go to stderr with exit code 1.
 */
public final class TrcfReplay {
    private TrcfReplay() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: TrcfReplay SEED CACHE LIST");
            System.exit(2);
        }
        long seed = Long.parseLong(args[0]);
        double cache = Double.parseDouble(args[1]);
        List<String> jobs = Files.readAllLines(Paths.get(args[2]));
        for (String job : jobs) {
            if (job.isEmpty()) continue;
            String[] io = job.split("\t");
            if (io.length != 2) throw new IllegalArgumentException(args[2] + ": expected IN<tab>OUT, got " + job);
            replay(io[0], io[1], seed, cache);
            System.out.println(io[1]);
            System.out.flush();
        }
    }

    private static void replay(String in, String out, long seed, double cache) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(Paths.get(in)); BufferedWriter w = Files.newBufferedWriter(Paths.get(out))) {
            ThresholdedRandomCutForest d = null;
            String line;
            int row = 0;
            while ((line = r.readLine()) != null) {
                row++;
                if (line.isEmpty()) continue;
                String[] cells = line.split(",");
                double[] values = new double[cells.length - 1];
                for (int i = 1; i < cells.length; i++) values[i - 1] = Double.parseDouble(cells[i]);
                if (d == null) d = newDetector(values.length, seed, cache);
                if (values.length * 8 != d.getForest().getDimensions()) throw new IllegalArgumentException(in + ":" + row + ": " + values.length + " values, the first row had " + d.getForest().getDimensions() / 8);
                AnomalyDescriptor a = d.process(values, Long.parseLong(cells[0]));
                w.write(Double.toString(a.getRCFScore()));
                w.write(',');
                w.write(Double.toString(a.getAnomalyGrade()));
                w.newLine();
            }
        }
    }

    /**
     * OpenSearch AD's real-time settings (ModelColdStart): shingle 8, 50 trees, sample 256, decays 1/2,560, output
     * after 32 steps, anomaly rate 0.005, normalised input, missing steps imputed from the previous value. The bench's
     * driver (bench/java/RcfBench.java) builds its detector here too.
     */
    public static ThresholdedRandomCutForest newDetector(int inputs, long seed, double cache) {
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
}
