package io.loopforge.cli;

import io.loopforge.modeling.io.FileTrees;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Renders an HTML file in a real headless Chromium (Debian's {@code chromium}, driven through its
 * {@code chromium-driver} by Selenium) at a phone width ({@value #PHONE_WIDTH} px) and a laptop width
 * ({@value #LAPTOP_WIDTH} px), and reports what a reader would see go wrong: images that did not load, console
 * errors (failed resource loads among them), and a page wider than a phone's screen. A full-page screenshot
 * of each width is saved as {@code <screenshotDir>/<name>-390.png} and {@code -1280.png}.
 *
 * <p>Chromium runs with a fresh profile and {@code TMPDIR} in a temporary folder that is deleted afterwards,
 * and is stopped before {@link #check} returns. A missing {@code chromium} or {@code chromedriver} fails with
 * the command that installs it, as a missing QEMU fails the HIL tests.
 */
final class BrowserCheck {
  static final int PHONE_WIDTH = 390;
  static final int LAPTOP_WIDTH = 1280;
  static final String INSTALL_HINT = "install it with: sudo apt-get install --no-install-recommends chromium "
      + "chromium-driver (./loopforge setup does)";
  /**
   * The CDP commands go through chromedriver's own endpoint, not through Selenium's DevTools client, so no
   * {@code selenium-devtools-vNNN} matching Debian's Chromium is needed; Selenium warns at every start that it
   * has none. Held here: java.util.logging keeps loggers only weakly.
   */
  private static final Logger CDP_VERSION_FINDER = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

  static {
    CDP_VERSION_FINDER.setLevel(Level.SEVERE);
  }

  /** Chromium's limit for one texture; a longer page is cut there. */
  private static final int MAX_SCREENSHOT_HEIGHT = 16384;

  private BrowserCheck() {}

  /**
   * What the check saw.
   *
   * @param imagesTotal the {@code <img>} elements of the page
   * @param brokenImages those that did not load (not complete, or no natural width) at either width, by
   *     position (#1 the first image), alt text and the start of the source
   * @param consoleErrors console messages of level SEVERE, at either width (failed loads, console.error,
   *     uncaught exceptions)
   * @param phoneScrollWidth {@code document.documentElement.scrollWidth} at phone width, CSS px
   * @param phoneViewportWidth {@code window.innerWidth} at phone width, CSS px
   * @param screenshots the PNG files written, phone width first
   */
  record Result(int imagesTotal, List<String> brokenImages, List<String> consoleErrors, int phoneScrollWidth,
      int phoneViewportWidth, List<Path> screenshots) {
    int imagesLoaded() {
      return imagesTotal - brokenImages.size();
    }

    /** Whether the page is wider than a phone's screen (it scrolls sideways as a whole). */
    boolean overflowsAtPhoneWidth() {
      return phoneScrollWidth > phoneViewportWidth + 1;
    }

    /** What is wrong, one line each; empty for a clean page. */
    List<String> problems() {
      List<String> p = new ArrayList<>();
      brokenImages.forEach(i -> p.add("image not loaded: " + i));
      consoleErrors.forEach(e -> p.add("console error: " + e));
      if (overflowsAtPhoneWidth()) {
        p.add("the page is " + phoneScrollWidth + " px wide at a " + phoneViewportWidth
            + " px wide phone screen: something wide (a table, a <pre>, an image) is not in a scrolling box");
      }
      return p;
    }

    /** @throws AssertionError listing every problem, and where the screenshots are */
    void assertClean() {
      List<String> p = problems();
      if (!p.isEmpty()) {
        throw new AssertionError("the page does not render cleanly in Chromium:\n  " + String.join("\n  ", p)
            + "\nscreenshots: " + screenshots);
      }
    }
  }

  /**
   * Renders {@code html} at both widths.
   *
   * @param screenshotDir where the screenshots go (created); they are named after the HTML file
   */
  static Result check(Path html, Path screenshotDir) throws IOException {
    if (!Files.isRegularFile(html)) {
      throw new IllegalArgumentException("no HTML file " + html);
    }
    Path chromium = locate("chromium", System.getenv("PATH"));
    Path chromedriver = locate("chromedriver", System.getenv("PATH"));
    String name = html.getFileName().toString().replaceFirst("\\.html?$", "");
    Files.createDirectories(screenshotDir);
    Path scratch = Files.createTempDirectory("loopforge-browser-");
    // Chromium's TMPDIR holds a Unix socket, whose path may not exceed 107 bytes: a short folder of its own
    Path shortTmp = Path.of("/tmp");
    Path tmp = Files.createTempDirectory(Files.isDirectory(shortTmp) ? shortTmp : scratch, "loopforge-chromium-");
    try {
      return render(html.toAbsolutePath(), screenshotDir, name, chromium, chromedriver, scratch, tmp);
    } finally {
      FileTrees.delete(tmp);
      FileTrees.delete(scratch);
    }
  }

  private static Result render(Path html, Path screenshotDir, String name, Path chromium, Path chromedriver,
      Path scratch, Path tmp) throws IOException {
    Path profile = Files.createDirectory(scratch.resolve("profile"));
    Path driverLog = scratch.resolve("chromedriver.log");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(chromedriver.toFile())
        .usingAnyFreePort()
        .withEnvironment(Map.of("TMPDIR", tmp.toString()))
        .withLogFile(driverLog.toFile())
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--user-data-dir=" + profile);
    LoggingPreferences logging = new LoggingPreferences();
    logging.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logging);
    ChromeDriver driver;
    try {
      driver = new ChromeDriver(service, options);
    } catch (WebDriverException e) {
      service.stop();
      String log = Files.exists(driverLog) ? Files.readString(driverLog) : "";
      throw new IllegalStateException("cannot start " + chromium + " through " + chromedriver + ": "
          + e.getMessage() + "\nchromedriver log:\n" + log, e);
    }
    try {
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(10));
      List<String> consoleErrors = new ArrayList<>();
      List<Path> screenshots = new ArrayList<>();
      int imagesTotal = 0;
      Set<String> broken = new LinkedHashSet<>();
      int scrollWidth = 0;
      int innerWidth = 0;
      for (int width : new int[] {PHONE_WIDTH, LAPTOP_WIDTH}) {
        boolean phone = width == PHONE_WIDTH;
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width,
            "height", phone ? 844 : 800, "deviceScaleFactor", 1, "mobile", phone));
        driver.get(html.toUri().toString());
        @SuppressWarnings("unchecked")
        List<String> notLoaded = (List<String>) driver.executeScript("return Array.from(document.images)"
            + ".flatMap((i, k) => i.complete && i.naturalWidth > 0 ? []"
            + " : ['#' + (k + 1) + ' \"' + i.alt + '\" ' + (i.getAttribute('src') || '').slice(0, 60)])");
        broken.addAll(notLoaded);
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
          if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
            consoleErrors.add("(" + width + " px) " + e.getMessage());
          }
        }
        if (phone) {
          imagesTotal = ((Number) driver.executeScript("return document.images.length")).intValue();
          scrollWidth = ((Number) driver.executeScript("return document.documentElement.scrollWidth")).intValue();
          innerWidth = ((Number) driver.executeScript("return window.innerWidth")).intValue();
        }
        Path png = screenshotDir.resolve(name + "-" + width + ".png");
        Files.write(png, fullPage(driver, width));
        screenshots.add(png);
      }
      return new Result(imagesTotal, List.copyOf(broken), List.copyOf(consoleErrors), scrollWidth, innerWidth,
          List.copyOf(screenshots));
    } finally {
      driver.quit();
    }
  }

  /** A PNG of the whole page at this width, not only of the part in the window. */
  private static byte[] fullPage(ChromeDriver driver, int width) {
    Number height = (Number) driver.executeScript("return document.documentElement.scrollHeight");
    Map<String, Object> clip = Map.of("x", 0, "y", 0, "width", width,
        "height", Math.min(height.intValue(), MAX_SCREENSHOT_HEIGHT), "scale", 1);
    Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot",
        Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
    return Base64.getDecoder().decode((String) shot.get("data"));
  }

  /** The program on PATH (Debian puts both in /usr/bin). */
  static Path locate(String program, String path) {
    return onPath(program, path).orElseThrow(() -> new IllegalStateException(program + " not found on PATH ("
        + path + "); " + INSTALL_HINT));
  }

  private static Optional<Path> onPath(String program, String path) {
    if (path == null) {
      return Optional.empty();
    }
    return Arrays.stream(path.split(File.pathSeparator)).filter(d -> !d.isEmpty()).map(d -> Path.of(d, program))
        .filter(Files::isExecutable).findFirst();
  }
}
