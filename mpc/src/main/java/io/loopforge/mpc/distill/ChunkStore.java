package io.loopforge.mpc.distill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loopforge.modeling.io.AtomicFile;
import io.loopforge.mpc.MpcException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The folder a solve job writes: {@code solves.json} (what job it is: a fingerprint of the problem, the
 * planner and the tasks, the number of tasks and the chunk size) and one CSV file per finished chunk,
 * {@code chunk-00000.csv}, each written atomically, so a file on disk is always a whole chunk. A rerun of
 * the same job solves only the chunks without a file; a folder of another job is refused.
 */
public final class ChunkStore implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  /** Format tag of {@code solves.json}. */
  public static final String FORMAT = "loopforge-solves/1";
  static final String MANIFEST = "solves.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A string, not a Path: the store travels with the chunks' work to other JVMs. */
  private final String dir;
  private final List<String> stateNames;
  private final List<String> inputNames;

  private ChunkStore(Path dir, List<String> stateNames, List<String> inputNames) {
    this.dir = dir.toString();
    this.stateNames = List.copyOf(stateNames);
    this.inputNames = List.copyOf(inputNames);
  }

  /**
   * Opens {@code dir} for the job with this fingerprint: creates the folder and its manifest, or checks that
   * an existing manifest is of the same job.
   *
   * @throws MpcException when the folder holds the chunks of another job, or cannot be written
   */
  static ChunkStore open(Path dir, String fingerprint, int tasks, int chunkSize, List<String> stateNames,
      List<String> inputNames) {
    Path manifest = dir.resolve(MANIFEST);
    try {
      if (Files.exists(manifest)) {
        JsonNode m = JSON.readTree(manifest.toFile());
        String had = m.path("fingerprint").asText("");
        if (!FORMAT.equals(m.path("format").asText()) || !had.equals(fingerprint)
            || m.path("tasks").asInt(-1) != tasks || m.path("chunk_size").asInt(-1) != chunkSize) {
          throw new MpcException(dir + " holds the solves of another job (" + manifest + ": " + m.path("tasks")
              + " tasks in chunks of " + m.path("chunk_size") + ", fingerprint " + had + "; this job: " + tasks
              + " tasks in chunks of " + chunkSize + ", fingerprint " + fingerprint
              + "); give another folder or delete that one");
        }
      } else {
        Files.createDirectories(dir);
        ObjectNode m = JSON.createObjectNode();
        m.put("format", FORMAT);
        m.put("fingerprint", fingerprint);
        m.put("tasks", tasks);
        m.put("chunk_size", chunkSize);
        m.put("chunks", (tasks + chunkSize - 1) / chunkSize);
        AtomicFile.writeString(manifest, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n");
      }
    } catch (IOException e) {
      throw new MpcException("cannot use " + dir + " for the solves: " + e.getMessage());
    }
    return new ChunkStore(dir, stateNames, inputNames);
  }

  public Path directory() {
    return Path.of(dir);
  }

  /** The file of chunk {@code c}. */
  public Path chunkFile(int c) {
    return Path.of(dir).resolve(String.format(java.util.Locale.ROOT, "chunk-%05d.csv", c));
  }

  public boolean has(int c) {
    return Files.isRegularFile(chunkFile(c));
  }

  /** Writes chunk {@code c} atomically. */
  void write(int c, List<SolveRecord> records) throws IOException {
    StringBuilder s = new StringBuilder(SolveRecord.csvHeader(stateNames, inputNames)).append('\n');
    for (SolveRecord r : records) {
      s.append(r.toCsv()).append('\n');
    }
    AtomicFile.writeString(chunkFile(c), s.toString());
  }

  /**
   * Reads chunk {@code c}.
   *
   * @throws MpcException when the file is damaged (naming it and the line)
   */
  List<SolveRecord> read(int c) {
    Path f = chunkFile(c);
    List<String> lines;
    try {
      lines = Files.readAllLines(f, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f, e);
    }
    String header = SolveRecord.csvHeader(stateNames, inputNames);
    if (lines.isEmpty() || !lines.get(0).equals(header)) {
      throw new MpcException(f + ", line 1: expected the header '" + header + "'; delete the file to have it"
          + " solved again");
    }
    List<SolveRecord> out = new ArrayList<>(lines.size() - 1);
    for (int i = 1; i < lines.size(); i++) {
      out.add(SolveRecord.fromCsv(lines.get(i), stateNames.size(), inputNames.size(), f + ", line " + (i + 1)));
    }
    return out;
  }
}
