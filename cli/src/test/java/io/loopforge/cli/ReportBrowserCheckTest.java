package io.loopforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BrowserCheck} in a real headless Chromium: a report made by {@link HtmlReport} renders cleanly, and
 * each kind of fault (a broken image, a console error, a page too wide for a phone) fails the check. The
 * screenshots stay in {@code target/report-check/} to be looked at.
 */
@org.junit.jupiter.api.extension.ExtendWith(NoLeftovers.class)
class ReportBrowserCheckTest {
  static final Path SCREENSHOTS = Path.of("target", "report-check");

  @TempDir Path dir;

  @Test
  void aReportWithARealPlotRendersCleanly() throws IOException {
    Path html = dir.resolve("html-report.html");
    HtmlReportTest.sample(dir).write(html);
    BrowserCheck.Result r = BrowserCheck.check(html, SCREENSHOTS);
    r.assertClean();
    assertEquals(1, r.imagesTotal());
    assertEquals(1, r.imagesLoaded());
    assertEquals(BrowserCheck.PHONE_WIDTH, r.phoneViewportWidth());
    assertEquals(List.of(SCREENSHOTS.resolve("html-report-390.png"), SCREENSHOTS.resolve("html-report-1280.png")),
        r.screenshots());
    BufferedImage phone = ImageIO.read(r.screenshots().get(0).toFile());
    BufferedImage laptop = ImageIO.read(r.screenshots().get(1).toFile());
    assertEquals(BrowserCheck.PHONE_WIDTH, phone.getWidth());
    assertEquals(BrowserCheck.LAPTOP_WIDTH, laptop.getWidth());
    // the whole page, not one screen: on a phone the plot and the wide tables stack far below the fold
    assertTrue(phone.getHeight() > 844, "phone screenshot height " + phone.getHeight());
  }

  @Test
  void aBrokenImageFailsTheCheck() throws IOException {
    Path html = page("broken-image", "<p>before</p><img src=\"no-such-plot.png\" alt=\"a plot\"><p>after</p>");
    BrowserCheck.Result r = BrowserCheck.check(html, SCREENSHOTS);
    assertEquals(1, r.imagesTotal());
    assertEquals(0, r.imagesLoaded());
    assertEquals(List.of("#1 \"a plot\" no-such-plot.png"), r.brokenImages());
    // Chromium reports the failed load on the console too
    assertTrue(r.consoleErrors().stream().anyMatch(e -> e.contains("no-such-plot.png")), r.consoleErrors().toString());
    AssertionError e = assertThrows(AssertionError.class, r::assertClean);
    assertTrue(e.getMessage().contains("image not loaded: #1 \"a plot\" no-such-plot.png"), e.getMessage());
  }

  @Test
  void aConsoleErrorFailsTheCheck() throws IOException {
    // the only script in the project's pages: written here to prove the check sees console errors
    Path html = page("console-error", "<p>text</p><script>console.error('report broke: ' + (6 * 7));</script>");
    BrowserCheck.Result r = BrowserCheck.check(html, SCREENSHOTS);
    assertEquals(0, r.imagesTotal());
    assertEquals(2, r.consoleErrors().size(), "once per width: " + r.consoleErrors());
    assertTrue(r.consoleErrors().get(0).contains("report broke: 42"), r.consoleErrors().toString());
    AssertionError e = assertThrows(AssertionError.class, r::assertClean);
    assertTrue(e.getMessage().contains("console error: (390 px) "), e.getMessage());
  }

  @Test
  void aPageWiderThanAPhoneFailsTheCheck() throws IOException {
    Path html = page("too-wide", "<table><tr>" + "<td>a_rather_long_unbreakable_cell_content</td>".repeat(12)
        + "</tr></table>");
    BrowserCheck.Result r = BrowserCheck.check(html, SCREENSHOTS);
    assertTrue(r.overflowsAtPhoneWidth(), r.phoneScrollWidth() + " px in " + r.phoneViewportWidth() + " px");
    assertEquals(List.of(), r.consoleErrors());
    AssertionError e = assertThrows(AssertionError.class, r::assertClean);
    assertTrue(e.getMessage().contains("px wide phone screen"), e.getMessage());
  }

  @Test
  void theSameTableInHtmlReportsScrollingBoxFitsAPhone() throws IOException {
    String cell = "a_rather_long_unbreakable_cell_content";
    String[] cells = new String[12];
    java.util.Arrays.fill(cells, cell);
    Path html = dir.resolve("wide-table.html");
    HtmlReport.builder("wide").section("table").table(HtmlReport.table(cells).row(cells).build())
        .preformatted("a_long_line_of_preformatted_text_".repeat(10)).paragraph(cell.repeat(5)).build().write(html);
    BrowserCheck.check(html, SCREENSHOTS).assertClean();
  }

  @Test
  void aMissingBrowserFailsWithTheCommandThatInstallsIt() throws IOException {
    Path emptyBin = Files.createDirectory(dir.resolve("bin"));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> BrowserCheck.locate("chromium", emptyBin.toString()));
    assertEquals("chromium not found on PATH (" + emptyBin + "); install it with: sudo apt-get install"
        + " --no-install-recommends chromium chromium-driver (./loopforge setup does)", e.getMessage());
  }

  private Path page(String name, String body) throws IOException {
    Path html = dir.resolve(name + ".html");
    Files.writeString(html, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"icon\" href=\"data:,\">"
        + "<title>" + name + "</title></head><body>" + body + "</body></html>");
    return html;
  }
}
