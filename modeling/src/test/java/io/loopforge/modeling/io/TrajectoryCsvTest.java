package io.loopforge.modeling.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.Trajectory;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrajectoryCsvTest {
  @TempDir Path dir;

  private Path file(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(TrajectoryCsvTest.class.getResource(name).toURI());
  }

  @Test
  void inputsAreTheColumnsStartingWithU() throws IOException {
    Dataset d = TrajectoryCsv.read(file("d.csv", "t,x0,u0,x1,u1\n0,1,2,3,4\n0.5,5,6,7,8\n1,9,10,11,12\n"));
    assertEquals(1, d.size());
    Trajectory t = d.get(0);
    assertEquals(List.of("x0", "x1"), t.stateNames());
    assertEquals(List.of("u0", "u1"), t.inputNames());
    assertArrayEquals(new double[] {0, 0.5, 1}, t.times());
    assertArrayEquals(new double[][] {{1, 3}, {5, 7}, {9, 11}}, t.states());
    assertArrayEquals(new double[][] {{2, 4}, {6, 8}, {10, 12}}, t.inputs());
  }

  @Test
  void inputColumnsOptionTakesTheCallersOrder() throws IOException {
    Path f = file("d.csv", "t,a,b,c,u\n0,1,2,3,4\n1,1,2,3,4\n2,1,2,3,4\n");
    Trajectory t = TrajectoryCsv.read(f, CsvOptions.builder().inputColumns(List.of("c", "a")).build()).get(0);
    assertEquals(List.of("b", "u"), t.stateNames());
    assertEquals(List.of("c", "a"), t.inputNames());
    assertArrayEquals(new double[] {3, 1}, t.input(0));
    assertArrayEquals(new double[] {2, 4}, t.state(0));

    Trajectory noInputs = TrajectoryCsv.read(f, CsvOptions.builder().inputColumns(List.of()).build()).get(0);
    assertEquals(List.of("a", "b", "c", "u"), noInputs.stateNames());
    assertEquals(List.of(), noInputs.inputNames());
  }

  @Test
  void trajectoryColumnGroupsRowsInOrderOfFirstAppearance() throws IOException {
    Path f = file("d.csv",
        "run,t,x\n" + "b,0,1\n" + "a,0,10\n" + "b,1,2\n" + "a,1,11\n" + "a,2,12\n" + "b,2,3\n" + "c,5,7\n"
            + "c,6,8\n" + "c,7,9\n");
    Dataset d = TrajectoryCsv.read(f, CsvOptions.builder().trajectoryColumn("run").build());
    assertEquals(3, d.size());
    assertEquals(9, d.sampleCount());
    assertArrayEquals(new double[][] {{1}, {2}, {3}}, d.get(0).states());
    assertArrayEquals(new double[][] {{10}, {11}, {12}}, d.get(1).states());
    assertArrayEquals(new double[] {5, 6, 7}, d.get(2).times());
    assertEquals(List.of("x"), d.stateNames());

    // With the default options "run" is an ordinary state column and the times would go back.
    Dataset ints = TrajectoryCsv.read(file("e.csv",
        "t,x,trajectory\n0,1,2\n1,1,2\n2,1,2\n0,1,1\n1,1,1\n2,1,1\n3,1,1\n"));
    assertEquals(2, ints.size());
    assertEquals(3, ints.get(0).size());
    assertEquals(4, ints.get(1).size());
  }

  @Test
  void toleratesBomCrlfBlanksTrailingLinesAndQuotedNames() throws IOException {
    Path f = file("d.csv",
        "\uFEFF \"t\" , \"x0\",u0\r\n 0 , -0.5 ,1e-3\r\n1,+2,.5\r\n2.5,3E2 , -1.25e+1\r\n\r\n  \r\n");
    Trajectory t = TrajectoryCsv.read(f).get(0);
    assertEquals(List.of("x0"), t.stateNames());
    assertEquals(List.of("u0"), t.inputNames());
    assertArrayEquals(new double[] {0, 1, 2.5}, t.times());
    assertArrayEquals(new double[][] {{-0.5}, {2}, {300}}, t.states());
    assertArrayEquals(new double[][] {{1e-3}, {0.5}, {-12.5}}, t.inputs());
  }

  @Test
  void writesHeaderThenRowsWithIdColumnOnlyForSeveralTrajectories() throws IOException {
    Trajectory a = new Trajectory(
        new double[] {0, 0.1, 0.2}, new double[][] {{1, -2}, {1e-7, 3.5}, {0.25, 1e21}},
        new double[][] {{0}, {-1}, {2}}, List.of("x", "v"), List.of("u"));
    Trajectory b = new Trajectory(
        new double[] {1, 2, 3}, new double[][] {{4, 5}, {6, 7}, {8, 9}}, new double[][] {{1}, {1}, {1}},
        List.of("x", "v"), List.of("u"));
    Path one = dir.resolve("one.csv");
    TrajectoryCsv.write(a, one);
    assertEquals(
        "t,x,v,u\n0.0,1.0,-2.0,0.0\n0.1,1.0E-7,3.5,-1.0\n0.2,0.25,1.0E21,2.0\n",
        Files.readString(one));
    Path single = dir.resolve("single.csv");
    TrajectoryCsv.write(Dataset.of(a), single);
    assertEquals(Files.readString(one), Files.readString(single));
    Path two = dir.resolve("two.csv");
    TrajectoryCsv.write(Dataset.of(a, b), two);
    assertEquals(
        "t,x,v,u,trajectory\n0.0,1.0,-2.0,0.0,0\n0.1,1.0E-7,3.5,-1.0,0\n0.2,0.25,1.0E21,2.0,0\n"
            + "1.0,4.0,5.0,1.0,1\n2.0,6.0,7.0,1.0,1\n3.0,8.0,9.0,1.0,1\n",
        Files.readString(two));
    Dataset back = TrajectoryCsv.read(two);
    assertEquals(List.of(a, b), back.trajectories());
  }

  @Test
  void writtenFileReadsBackEqualForAnyFiniteDoubles() {
    SplittableRandom random = new SplittableRandom(20240611L);
    for (int round = 0; round < 20; round++) {
      int n = 3 + random.nextInt(50);
      double[] times = new double[n];
      double[][] x = new double[n][3];
      double[][] u = new double[n][2];
      double t = random.nextDouble(-1e3, 1e3);
      for (int i = 0; i < n; i++) {
        t = Math.nextUp(t) + random.nextDouble() * Math.ulp(t) * (1L << random.nextInt(40));
        times[i] = t;
        for (double[] row : new double[][] {x[i], u[i]}) {
          for (int j = 0; j < row.length; j++) {
            row[j] = randomFiniteDouble(random);
          }
        }
      }
      x[0][0] = -0.0;
      x[0][1] = Double.MIN_VALUE;
      x[0][2] = Double.MAX_VALUE;
      Trajectory original = new Trajectory(times, x, u, List.of("x", "y", "theta_dot"), List.of("u", "u_2"));
      Path f = dir.resolve("round" + round + ".csv");
      TrajectoryCsv.write(original, f);
      assertEquals(original, TrajectoryCsv.read(f).get(0));
    }
  }

  private static double randomFiniteDouble(SplittableRandom random) {
    while (true) {
      double v = Double.longBitsToDouble(random.nextLong());
      if (Double.isFinite(v)) {
        return v;
      }
    }
  }

  @Test
  void inputNamesWithoutUReadBackThroughInputColumns() {
    Trajectory original = new Trajectory(
        new double[] {0, 1, 2}, new double[][] {{1}, {2}, {3}}, new double[][] {{4, 5}, {6, 7}, {8, 9}},
        List.of("angle"), List.of("torque", "force"));
    Path f = dir.resolve("plant.csv");
    TrajectoryCsv.write(original, f);
    CsvOptions options = CsvOptions.builder().inputColumns(original.inputNames()).build();
    assertEquals(original, TrajectoryCsv.read(f, options).get(0));
  }

  @Test
  void readAllConcatenatesFilesInOrder() throws IOException {
    Path a = file("a.csv", "t,x,u\n0,1,2\n1,1,2\n2,1,2\n");
    Path b = file("b.csv", "trajectory,t,x,u\n9,0,3,4\n9,1,3,4\n9,2,3,4\n8,0,5,6\n8,1,5,6\n8,2,5,6\n");
    Dataset d = TrajectoryCsv.readAll(List.of(a, b), CsvOptions.defaults());
    assertEquals(3, d.size());
    assertArrayEquals(new double[] {1}, d.get(0).state(0));
    assertArrayEquals(new double[] {3}, d.get(1).state(0));
    assertArrayEquals(new double[] {6}, d.get(2).input(2));
  }

  @Test
  void readsPysindyLorenzControlFixture() throws URISyntaxException {
    Dataset d = TrajectoryCsv.read(resource("/fixtures/pysindy/lorenz_control/data.csv"));
    assertEquals(1, d.size());
    Trajectory t = d.get(0);
    assertEquals(List.of("x0", "x1", "x2"), t.stateNames());
    assertEquals(List.of("u0", "u1"), t.inputNames());
    assertEquals(5000, t.size());
    assertEquals(0.0, t.time(0));
    assertEquals(0.002, t.time(1));
    assertEquals(9.9979999999999993, t.time(4999));
    assertArrayEquals(new double[] {-8, 8, 27}, t.state(0));
    assertArrayEquals(new double[] {0.0039999893333418669, 3.9999999999999998e-06}, t.input(1));
    assertEquals(0.002, t.uniformDt(), 1e-15);
  }

  @Test
  void readsPysindyLorenzDefaultFixture() throws URISyntaxException {
    Trajectory t = TrajectoryCsv.read(resource("/fixtures/pysindy/lorenz_default/data.csv")).get(0);
    assertEquals(List.of("x0", "x1", "x2"), t.stateNames());
    assertEquals(List.of(), t.inputNames());
    assertEquals(5000, t.size());
    assertEquals(0.0, t.time(0));
    assertArrayEquals(new double[] {8.0962639027298096, 12.073776570205849, 19.799750644591462}, t.state(4999));
  }

  /** 50 000 rows × 6 columns, the size the reader is meant to take in well under a second. */
  @Test
  void readsLargeFile() throws IOException {
    int n = 50_000;
    Path f = dir.resolve("large.csv");
    try (BufferedWriter w = Files.newBufferedWriter(f)) {
      w.write("t,x0,x1,x2,u0,u1\n");
      for (int i = 0; i < n; i++) {
        double t = i * 0.001;
        w.write(t + "," + Math.sin(t) + "," + Math.cos(t) + "," + -t + "," + i + "," + 1e-3 * i + "\n");
      }
    }
    Trajectory t = TrajectoryCsv.read(f).get(0);
    assertEquals(n, t.size());
    int last = n - 1;
    assertEquals(last * 0.001, t.time(last));
    assertArrayEquals(new double[] {Math.sin(last * 0.001), Math.cos(last * 0.001), -last * 0.001}, t.state(last));
    assertArrayEquals(new double[] {last, 1e-3 * last}, t.input(last));
  }
}
