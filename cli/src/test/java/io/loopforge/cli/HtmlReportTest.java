package io.loopforge.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loopforge.cli.HtmlReport.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
  @TempDir Path dir;

  /** A report with one of every block, its plot drawn by {@link TimeSeriesPlot}. */
  static HtmlReport sample(Path dir) throws IOException {
    Path png = dir.resolve("plot.png");
    double[] t = new double[200];
    double[] v = new double[200];
    for (int i = 0; i < t.length; i++) {
      t[i] = i * 0.05;
      v[i] = Math.sin(t[i]);
    }
    new TimeSeriesPlot("angle").add("theta", "state", t, v).write(png);
    HtmlReport.Table.Builder wide = HtmlReport.table("stage", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
    for (int r = 0; r < 5; r++) {
      wide.row("a long stage name " + r, "12345.678", "0.001", "-3.2e-4", "42 %", "7 ms", "1,234", "x", "y", "z",
          "a rather long piece of text in a cell");
    }
    return HtmlReport.builder("Loopforge demo <pendulum>")
        .subtitle("a self-contained report")
        .meta("Loopforge", "0.1.0-SNAPSHOT")
        .meta("machine", "2 cores")
        .paragraph("What this page is.")
        .section("Data", "data").status(Status.PASS, "200 samples")
        .paragraph("The plant excited with a chirp.")
        .command("./loopforge simulate --plant pendulum --out 'data.csv' && echo \"done\"")
        .image(png, "theta over 10 s", "The angle.")
        .section("Model").status(Status.INFO, null)
        .preformatted("(theta)' = 1.000 omega\n(omega)' = -9.810 sin(theta) + 2.000 u0")
        .table(wide.build())
        .section("Firmware", "firmware").status(Status.FAIL, "too big")
        .table(HtmlReport.table("check", "value").row(Status.PASS, "flash", "12 kB").row(Status.FAIL, "RAM", "70 kB")
            .row("stack", "1 kB").build())
        .build();
  }

  @Test
  void textIsEscapedEverywhere() {
    String nasty = "<b>&\"x\"'</b>\u0000";
    String html = HtmlReport.builder(nasty).subtitle(nasty).meta(nasty, nasty).paragraph(nasty)
        .section(nasty, "s1").status(Status.PASS, nasty).paragraph(nasty).command(nasty).preformatted(nasty)
        .table(HtmlReport.table(nasty).row(nasty).build()).build().html();
    assertFalse(html.contains("<b>"), html);
    assertFalse(html.contains("\u0000"), html);
    String escaped = "&lt;b&gt;&amp;&quot;x&quot;&#39;&lt;/b&gt;\ufffd";
    // title, h1, subtitle, dt, dd, intro, toc, h2, note, paragraph, command, pre, th, td
    assertEquals(14, count(html, escaped), html);
    assertEquals("a&lt;b&gt;c &amp;amp; &quot;d&quot;", HtmlReport.escape("a<b>c &amp; \"d\""));
  }

  @Test
  void anEmbeddedImageHasTheFileBytes() throws IOException {
    String html = sample(dir).html();
    Matcher m = Pattern.compile("<img src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\" alt=\"theta over 10 s\""
        + " width=\"1000\" height=\"210\">").matcher(html);
    assertTrue(m.find(), html.substring(0, 2000));
    assertArrayEquals(Files.readAllBytes(dir.resolve("plot.png")), Base64.getDecoder().decode(m.group(1)));
    assertTrue(html.contains("<figcaption>The angle.</figcaption>"));
  }

  @Test
  void aMissingImageNamesItsPath() {
    Path missing = dir.resolve("no-such-plot.png");
    CliException e = assertThrows(CliException.class,
        () -> HtmlReport.builder("r").section("s").image(missing, "alt", null));
    assertEquals("cannot embed the image " + missing + " in the report: no such file", e.getMessage());
  }

  @Test
  void aFileThatIsNotPngIsRefused() throws IOException {
    Path notPng = dir.resolve("plot.png");
    Files.writeString(notPng, "GIF89a, not a PNG at all");
    CliException e = assertThrows(CliException.class,
        () -> HtmlReport.builder("r").section("s").image(notPng, "alt", null));
    assertEquals("cannot embed the image " + notPng + " in the report: not a PNG file", e.getMessage());
  }

  @Test
  void nothingIsFetchedAndNothingRuns() throws IOException {
    String html = sample(dir).html();
    assertFalse(html.toLowerCase().contains("<script"), "no script");
    List<String> refs = new ArrayList<>();
    Matcher m = Pattern.compile("(?:src|href)\\s*=\\s*\"([^\"]*)\"").matcher(html);
    while (m.find()) {
      refs.add(m.group(1));
    }
    assertEquals(List.of("data:,", "#data", "#model", "#firmware", "data:image/png"),
        refs.stream().map(r -> r.startsWith("data:image/png;base64,") ? "data:image/png" : r).toList());
    assertFalse(html.contains("http://") || html.contains("https://"), "no absolute URL");
    assertFalse(html.contains("@import") || html.contains("url("), "no CSS fetch");
  }

  @Test
  void layoutForPhoneAndLaptop() throws IOException {
    String html = sample(dir).html();
    assertTrue(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
    assertTrue(html.contains("img{max-width:100%;height:auto;display:block}"));
    assertTrue(html.contains("<div class=\"scroll\"><table>"));
    assertEquals(2, count(html, "<div class=\"scroll\"><table>"));
  }

  @Test
  void tablesAlignNumbersRightAndShowRowStatusAsText() throws IOException {
    String html = sample(dir).html();
    assertTrue(html.contains("<tr><td>a long stage name 0</td><td class=\"num\">12345.678</td><td class=\"num\">0.001</td>"
        + "<td class=\"num\">-3.2e-4</td><td class=\"num\">42 %</td><td class=\"num\">7 ms</td>"
        + "<td class=\"num\">1,234</td><td>x</td>"), html);
    assertTrue(html.contains("<thead><tr><th>check</th><th class=\"num\">value</th><th>status</th></tr></thead>\n<tbody>\n"
        + "<tr><td>flash</td><td class=\"num\">12 kB</td><td><span class=\"status pass\">\u2713 PASS</span></td></tr>\n"
        + "<tr><td>RAM</td><td class=\"num\">70 kB</td><td><span class=\"status fail\">\u2717 FAIL</span></td></tr>\n"
        + "<tr><td>stack</td><td class=\"num\">1 kB</td><td></td></tr>\n"), html);
    assertTrue(html.contains("<thead><tr><th>stage</th><th class=\"num\">a</th>"), html);
    assertTrue(html.contains("<th class=\"num\">f</th><th>g</th>"), html);
    String longText = "a sentence of forty characters or more, which may wrap";
    assertTrue(HtmlReport.builder("r").table(HtmlReport.table("note").row(longText).build()).build().html()
        .contains("<td class=\"long\">" + longText + "</td>"));
    for (String s : List.of("12", "-0.5", "+3", ".5", "1e6", "3.2E-04", "12 %", "4.1 ms", "3\u00d7", "\u22121.5")) {
      assertTrue(HtmlReport.isNumeric(s), s);
    }
    for (String s : List.of("", "x", "n/a", "-", "2026-12-06", "v1", "1.2.3", "a1", "12 apples")) {
      assertFalse(HtmlReport.isNumeric(s), s);
    }
  }

  @Test
  void tableOfContentsLinksEverySectionWithItsStatus() throws IOException {
    String html = sample(dir).html();
    assertTrue(html.contains("<nav>\n<h2>Contents</h2>\n<ol>\n"
        + "<li><a href=\"#data\">Data</a> <span class=\"status pass\">\u2713 PASS</span></li>\n"
        + "<li><a href=\"#model\">Model</a> <span class=\"status info\">\u2139 INFO</span></li>\n"
        + "<li><a href=\"#firmware\">Firmware</a> <span class=\"status fail\">\u2717 FAIL</span></li>\n"
        + "</ol>\n</nav>\n"), html);
    assertTrue(html.contains("<section id=\"data\">\n<h2>Data</h2>\n<p class=\"verdict\"><span class=\"status pass\">"
        + "\u2713 PASS</span> 200 samples</p>\n<p>The plant excited with a chirp.</p>\n<pre class=\"command\"><code>"
        + "./loopforge simulate --plant pendulum --out &#39;data.csv&#39; &amp;&amp; echo &quot;done&quot;</code></pre>"),
        html);
    // the intro stands before the contents
    assertTrue(html.indexOf("What this page is.") < html.indexOf("<nav>"));
  }

  @Test
  void sectionIdsAreUniqueAndWellFormed() {
    String html = HtmlReport.builder("r").section("Closed loop (HIL)").section("Closed loop (HIL)")
        .section("1. Data").build().html();
    assertTrue(html.contains("<section id=\"closed-loop-hil\">"), html);
    assertTrue(html.contains("<section id=\"closed-loop-hil-2\">"), html);
    assertTrue(html.contains("<section id=\"s-1-data\">"), html);
    assertThrows(IllegalArgumentException.class, () -> HtmlReport.builder("r").section("a", "x y"));
    assertThrows(IllegalArgumentException.class, () -> HtmlReport.builder("r").section("a", "x").section("b", "x"));
    assertThrows(IllegalStateException.class, () -> HtmlReport.builder("r").status(Status.PASS, "no section"));
    assertThrows(IllegalArgumentException.class, () -> HtmlReport.table("a", "b").row("only one"));
    assertTrue(HtmlReport.builder("r").table(HtmlReport.table("a", "b").row("x", null).build()).build().html()
        .contains("<tr><td>x</td><td></td></tr>"));
  }

  @Test
  void writtenAtomicallyAndReproducibly() throws IOException {
    Path out = dir.resolve("out").resolve("report.html");
    HtmlReport report = sample(dir);
    report.write(out);
    assertEquals(report.html(), Files.readString(out));
    assertEquals(report.html(), sample(dir).html(), "same content, same bytes");
    try (Stream<Path> files = Files.list(out.getParent())) {
      assertEquals(List.of(out), files.toList(), "no temporary file left");
    }
  }

  private static int count(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
