package dev.vapostream.cli.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {

    @Test
    void twoRunsGiveOneOverlaidPngPerMetricAndAPageWithTheirSettings(@TempDir Path dir) throws Exception {
        // Given two run folders with metrics (held-out accuracy only on some steps) and settings
        Path a = run(dir.resolve("run-a"), 0.10, "vapo");
        Path b = run(dir.resolve("run-b"), 0.20, "ppo");

        // When the report is written
        Path page = RunReport.write(List.of(a, b));

        // Then every chart is a PNG next to the page, and the page shows both runs' settings
        String html = Files.readString(page);
        for (String metric : RunReport.CHARTS.keySet()) {
            BufferedImage image = ImageIO.read(a.resolve("report").resolve(metric + ".png").toFile());
            assertEquals(640, image.getWidth());
            assertTrue(html.contains("src=\"" + metric + ".png\""), metric);
        }
        assertTrue(html.contains("run-a vs run-b"));
        assertTrue(html.contains("<th>preset</th><td>vapo</td>") && html.contains("<th>preset</th><td>ppo</td>"), html);
        // And the held-out series skips the steps where it was not evaluated
        assertArrayEquals(new double[] {2, 0.1}, RunMetrics.read(a).series("heldOutAccuracy")[0], 1e-9);
        assertEquals(1, RunMetrics.read(a).series("heldOutAccuracy").length);
        assertEquals(3, RunMetrics.read(a).series("rewardMean").length);
        // And held-out accuracy is also drawn against minutes since the first step (step 2 came 1.5 minutes later)
        assertTrue(html.contains("src=\"" + RunReport.ACCURACY_OVER_TIME + "\""));
        assertTrue(Files.exists(a.resolve("report").resolve(RunReport.ACCURACY_OVER_TIME)));
        assertArrayEquals(new double[] {1.5, 0.1}, RunMetrics.read(a).seriesOverMinutes("heldOutAccuracy")[0], 1e-9);
        // And the page opens with the summary, whose columns include the settings that differ (the preset)
        assertTrue(html.indexOf("<h2>Summary</h2>") < html.indexOf("<img"), html);
        assertTrue(html.contains("<th>preset</th></tr><tr><td>run-a</td><td>10.0</td><td>10.0</td><td>10.0</td>"), html);
        // And the advantage stage's estimator is among the settings
        assertTrue(html.contains("<th>advantage.alpha</th><td>1.0</td>"), html);
    }

    private static Path run(Path dir, double heldOut, String preset) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("metrics.jsonl"), String.join("\n",
            "{\"runId\":\"x\",\"step\":1,\"timestampMs\":1000000,\"phase\":\"VALUE_PRETRAIN\",\"rewardMean\":0.1,\"heldOutAccuracy\":null,\"entropy\":1.0,\"explainedVariance\":null}",
            "{\"runId\":\"x\",\"step\":2,\"timestampMs\":1090000,\"phase\":\"POLICY\",\"rewardMean\":0.2,\"heldOutAccuracy\":" + heldOut + ",\"entropy\":0.9}",
            "{\"runId\":\"x\",\"step\":3,\"phase\":\"POLICY\",\"rewardMean\":0.3,\"heldOutAccuracy\":null,\"entropy\":0.8}") + "\n");
        Files.writeString(dir.resolve("learner.properties"), "preset=" + preset + "\n");
        Files.writeString(dir.resolve("advantage.properties"), "alpha=1.0\n");
        return dir;
    }
}
