package dev.vapostream.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code vapo bench}'s work: runs the chosen cases into the results file (a case run again
 * replaces its entry; the others stay), then renders the markdown, and into a docs file between
 * its markers when asked.
 */
public final class BenchSuite {
    public static final String BEGIN = "<!-- vapo bench: begin (rendered from a vapo bench results file; edit BenchReport, not this) -->";
    public static final String END = "<!-- vapo bench: end -->";
    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchSuite() {
    }

    /**
     * @param only   case ids to run; empty: all
     * @param docs   a markdown file whose marked section is replaced by the report, or null
     */
    public static void run(Path root, Path results, Set<String> only, int seeds, int steps, Path docs)
        throws IOException, InterruptedException {
        List<BenchCase> cases = BenchCases.all(seeds, steps);
        Set<String> known = cases.stream().map(BenchCase::id).collect(Collectors.toSet());
        for (String id : only) {
            if (!known.contains(id)) {
                throw new IllegalArgumentException("no benchmark case '" + id + "'; the cases are " + known);
            }
        }
        ObjectNode doc = load(results);
        Files.createDirectories(root.resolve(BenchCases.WORK));
        BenchRunner runner = new BenchRunner(root, results.toAbsolutePath().getParent().resolve("logs"));
        List<String> failed = new java.util.ArrayList<>();
        for (BenchCase c : cases) {
            if (only.isEmpty() || only.contains(c.id())) {
                try {
                    ObjectNode node = runner.run(c);
                    node.put("finished", Instant.now().truncatedTo(ChronoUnit.MINUTES).toString());
                    ((ObjectNode) doc.get("cases")).set(c.id(), node);
                    doc.set("machine", machine());
                    save(results, doc);
                } catch (IOException e) {
                    // The other cases still run; the results keep this case's last good entry, if any.
                    System.err.println("bench " + c.id() + " failed: " + e.getMessage());
                    failed.add(c.id());
                }
            }
        }
        String report = BenchReport.render(doc, results.toString());
        Files.writeString(results.resolveSibling("bench.md"), report);
        System.out.println("bench: results " + results + ", report " + results.resolveSibling("bench.md"));
        if (docs != null) {
            Files.writeString(docs, replaceSection(Files.readString(docs), report, docs));
            System.out.println("bench: rendered into " + docs);
        }
        if (!failed.isEmpty()) {
            throw new IOException("cases failed: " + failed + " (their logs are under " + results.resolveSibling("logs") + ")");
        }
    }

    /** Renders a results file without running anything. */
    public static String render(Path results) throws IOException {
        return BenchReport.render(JSON.readTree(results.toFile()), results.toString());
    }

    /** {@code text} with the part between the markers replaced by {@code report}. */
    public static String replaceSection(String text, String report, Path docs) {
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException(docs + " has no section between '" + BEGIN + "' and '" + END + "'");
        }
        return text.substring(0, begin + BEGIN.length()) + "\n" + report + text.substring(end);
    }

    private static ObjectNode load(Path results) throws IOException {
        if (Files.exists(results)) {
            JsonNode existing = JSON.readTree(results.toFile());
            if (existing instanceof ObjectNode o && o.has("cases")) {
                return o;
            }
            throw new IOException(results + " is not a vapo bench results file");
        }
        Files.createDirectories(results.toAbsolutePath().getParent());
        ObjectNode doc = JSON.createObjectNode();
        doc.putObject("cases");
        return doc;
    }

    private static void save(Path results, ObjectNode doc) throws IOException {
        Path tmp = results.resolveSibling(results.getFileName() + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), doc);
        Files.move(tmp, results, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
    }

    private static ObjectNode machine() throws IOException {
        ObjectNode m = JSON.createObjectNode();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("java", System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        long kib = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
            .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0);
        m.put("memoryGiB", String.format(Locale.ROOT, "%.0f", kib / 1024.0 / 1024.0));
        return m;
    }
}
