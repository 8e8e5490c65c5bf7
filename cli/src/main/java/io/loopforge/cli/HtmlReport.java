package io.loopforge.cli;

import io.loopforge.modeling.io.AtomicFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A report as one self-contained HTML file: no script, no style sheet, font or image fetched from anywhere
 * (images are embedded as {@code data:image/png} URIs), readable on a phone and a laptop (viewport meta, a
 * column at most 60 em wide, images scaled to the column, wide tables scrolling inside their own box). Every
 * text is HTML-escaped; the page holds no date or path of its own, so the same content gives the same bytes.
 *
 * <p>The page: a title and subtitle, a list of facts ({@link Builder#meta}: versions, machine, date, total
 * time), a table of contents, then the sections in order. Blocks added before the first section form an
 * introduction above the table of contents.
 *
 * <pre>{@code
 * HtmlReport report = HtmlReport.builder("Loopforge demo")
 *     .subtitle("pendulum, 2 states, 1 input")
 *     .meta("Loopforge", "0.1.0")
 *     .section("Data", "data").status(Status.PASS, "1200 samples")
 *     .paragraph("The plant excited with a chirp.")
 *     .command("./loopforge simulate --plant pendulum --out data.csv")
 *     .image(Path.of("data.png"), "angle and torque over time", "The excitation.")
 *     .table(HtmlReport.table("quantity", "value").row("RMSE", "0.012").build())
 *     .build();
 * report.write(Path.of("report.html"));
 * }</pre>
 */
final class HtmlReport {
  /** The verdict of a section or of a table row, shown as a symbol, a word and a colour. */
  enum Status {
    PASS("\u2713", "pass"),
    FAIL("\u2717", "fail"),
    INFO("\u2139", "info");

    private final String symbol;
    private final String word;

    Status(String symbol, String word) {
      this.symbol = symbol;
      this.word = word;
    }

    String word() {
      return word;
    }
  }

  private final String html;

  private HtmlReport(String html) {
    this.html = html;
  }

  static Builder builder(String title) {
    return new Builder(title);
  }

  /** A table builder with these column headings. */
  static Table.Builder table(String... header) {
    return new Table.Builder(List.of(header));
  }

  /** The page, as written by {@link #write}. */
  String html() {
    return html;
  }

  /** Writes the page (UTF-8) to {@code file} through a temporary file beside it and a move. */
  void write(Path file) throws IOException {
    AtomicFile.writeString(file, html);
  }

  /** A table of strings; cells that look like numbers are right-aligned. Rows may carry a status. */
  static final class Table {
    private final List<String> header;
    private final List<List<String>> rows;
    private final List<Status> statuses;

    private Table(Builder b) {
      this.header = List.copyOf(b.header);
      this.rows = b.rows.stream().map(List::copyOf).toList();
      this.statuses = Collections.unmodifiableList(new ArrayList<>(b.statuses));
    }

    static final class Builder {
      private final List<String> header;
      private final List<List<String>> rows = new ArrayList<>();
      private final List<Status> statuses = new ArrayList<>();

      private Builder(List<String> header) {
        if (header.isEmpty()) {
          throw new IllegalArgumentException("a table needs at least one column");
        }
        this.header = header;
      }

      Builder row(String... cells) {
        return row(null, cells);
      }

      /** A row with a status, shown in a last column "status"; a null cell is shown empty. */
      Builder row(Status status, String... cells) {
        if (cells.length != header.size()) {
          throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + header.size()
              + " columns " + header + ": " + Arrays.toString(cells));
        }
        rows.add(Arrays.stream(cells).map(c -> c == null ? "" : c).toList());
        statuses.add(status);
        return this;
      }

      Table build() {
        return new Table(this);
      }
    }
  }

  /** Collects the content; {@link #build} renders it. */
  static final class Builder {
    private static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
    /** A cell of this many characters or more may wrap. */
    static final int LONG_CELL = 40;

    private final String title;
    private String subtitle;
    private final Map<String, String> meta = new LinkedHashMap<>();
    private final StringBuilder intro = new StringBuilder();
    private final List<Section> sections = new ArrayList<>();
    private final Set<String> ids = new HashSet<>();

    private static final class Section {
      final String heading;
      final String id;
      Status status;
      String statusNote;
      final StringBuilder body = new StringBuilder();

      Section(String heading, String id) {
        this.heading = heading;
        this.id = id;
      }
    }

    private Builder(String title) {
      this.title = title;
    }

    Builder subtitle(String text) {
      this.subtitle = text;
      return this;
    }

    /** A fact shown under the title (a version, the machine, the date, the total time); in insertion order. */
    Builder meta(String key, String value) {
      meta.put(key, value);
      return this;
    }

    /** Starts a section; its anchor is made from the heading. */
    Builder section(String heading) {
      return section(heading, null);
    }

    /**
     * Starts a section; the blocks added next go into it.
     *
     * @param id its anchor ({@code report.html#id}): a letter, then letters, digits, {@code -} or {@code _};
     *     null to make one from the heading
     */
    Builder section(String heading, String id) {
      String anchor;
      if (id == null) {
        anchor = uniqueSlug(heading);
      } else {
        if (!ID.matcher(id).matches()) {
          throw new IllegalArgumentException("the section id \"" + id + "\" is not a letter followed by letters,"
              + " digits, - or _");
        }
        if (!ids.add(id)) {
          throw new IllegalArgumentException("two sections with the id \"" + id + "\"");
        }
        anchor = id;
      }
      sections.add(new Section(heading, anchor));
      return this;
    }

    private String uniqueSlug(String heading) {
      String base = heading.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
      if (base.isEmpty() || !Character.isLetter(base.charAt(0))) {
        base = "s-" + base;
      }
      String slug = base;
      for (int k = 2; !ids.add(slug); k++) {
        slug = base + "-" + k;
      }
      return slug;
    }

    /** The verdict of the current section, shown beside its heading and in the table of contents. */
    Builder status(Status status, String note) {
      Section s = current("a status");
      s.status = status;
      s.statusNote = note;
      return this;
    }

    Builder paragraph(String text) {
      out().append("<p>").append(escape(text)).append("</p>\n");
      return this;
    }

    /** The shell command that reproduces this stage. */
    Builder command(String shellCommand) {
      out().append("<pre class=\"command\"><code>").append(escape(shellCommand)).append("</code></pre>\n");
      return this;
    }

    /** Text shown as it is, in a fixed-width font (equations, logs). */
    Builder preformatted(String text) {
      out().append("<pre>").append(escape(text)).append("</pre>\n");
      return this;
    }

    /**
     * A table in a box of its own that scrolls sideways when the table is wider than the page. Cells do not
     * wrap, except long texts ({@value #LONG_CELL} characters or more); a column of numbers is right-aligned,
     * its heading too.
     */
    Builder table(Table table) {
      StringBuilder o = out();
      boolean withStatus = table.statuses.stream().anyMatch(s -> s != null);
      int columns = table.header.size();
      boolean[] numericColumn = new boolean[columns];
      for (int c = 0; c < columns; c++) {
        int col = c;
        numericColumn[c] = !table.rows.isEmpty() && table.rows.stream()
            .allMatch(r -> r.get(col).isBlank() || isNumeric(r.get(col)));
      }
      o.append("<div class=\"scroll\"><table>\n<thead><tr>");
      for (int c = 0; c < columns; c++) {
        o.append(numericColumn[c] ? "<th class=\"num\">" : "<th>").append(escape(table.header.get(c)))
            .append("</th>");
      }
      if (withStatus) {
        o.append("<th>status</th>");
      }
      o.append("</tr></thead>\n<tbody>\n");
      for (int r = 0; r < table.rows.size(); r++) {
        o.append("<tr>");
        for (String cell : table.rows.get(r)) {
          String open = isNumeric(cell) ? "<td class=\"num\">"
              : cell.length() >= LONG_CELL ? "<td class=\"long\">" : "<td>";
          o.append(open).append(escape(cell)).append("</td>");
        }
        if (withStatus) {
          Status s = table.statuses.get(r);
          o.append("<td>").append(s == null ? "" : marker(s)).append("</td>");
        }
        o.append("</tr>\n");
      }
      o.append("</tbody>\n</table></div>\n");
      return this;
    }

    /**
     * Embeds a PNG file, read now.
     *
     * @param alt what the picture shows, for a reader who cannot see it
     * @param caption shown under the picture; null for none
     * @throws CliException when the file is missing, unreadable or not a PNG, naming it
     */
    Builder image(Path png, String alt, String caption) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(png);
      } catch (NoSuchFileException e) {
        throw new CliException("cannot embed the image " + png + " in the report: no such file");
      } catch (IOException e) {
        throw new CliException("cannot embed the image " + png + " in the report: " + OutputPaths.reason(e), e);
      }
      if (!isPng(bytes)) {
        throw new CliException("cannot embed the image " + png + " in the report: not a PNG file");
      }
      ByteBuffer ihdr = ByteBuffer.wrap(bytes, 16, 8);
      int width = ihdr.getInt();
      int height = ihdr.getInt();
      StringBuilder o = out();
      o.append("<figure><img src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(bytes))
          .append("\" alt=\"").append(escape(alt)).append("\" width=\"").append(width).append("\" height=\"")
          .append(height).append("\">");
      if (caption != null) {
        o.append("<figcaption>").append(escape(caption)).append("</figcaption>");
      }
      o.append("</figure>\n");
      return this;
    }

    private static boolean isPng(byte[] b) {
      byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
      return b.length >= 24 && Arrays.equals(b, 0, 8, signature, 0, 8)
          && b[12] == 'I' && b[13] == 'H' && b[14] == 'D' && b[15] == 'R';
    }

    private StringBuilder out() {
      return sections.isEmpty() ? intro : sections.get(sections.size() - 1).body;
    }

    private Section current(String what) {
      if (sections.isEmpty()) {
        throw new IllegalStateException(what + " belongs to a section: call section(...) first");
      }
      return sections.get(sections.size() - 1);
    }

    HtmlReport build() {
      StringBuilder o = new StringBuilder(4096);
      o.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
          .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
          // an empty icon: no browser asks for /favicon.ico
          .append("<link rel=\"icon\" href=\"data:,\">\n")
          .append("<title>").append(escape(title)).append("</title>\n")
          .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n<main>\n<header>\n<h1>")
          .append(escape(title)).append("</h1>\n");
      if (subtitle != null) {
        o.append("<p class=\"subtitle\">").append(escape(subtitle)).append("</p>\n");
      }
      if (!meta.isEmpty()) {
        o.append("<dl class=\"meta\">\n");
        meta.forEach((k, v) ->
            o.append("<dt>").append(escape(k)).append("</dt><dd>").append(escape(v)).append("</dd>\n"));
        o.append("</dl>\n");
      }
      o.append("</header>\n").append(intro);
      if (!sections.isEmpty()) {
        o.append("<nav>\n<h2>Contents</h2>\n<ol>\n");
        for (Section s : sections) {
          o.append("<li><a href=\"#").append(s.id).append("\">").append(escape(s.heading)).append("</a>");
          if (s.status != null) {
            o.append(' ').append(marker(s.status));
          }
          o.append("</li>\n");
        }
        o.append("</ol>\n</nav>\n");
      }
      for (Section s : sections) {
        o.append("<section id=\"").append(s.id).append("\">\n<h2>").append(escape(s.heading)).append("</h2>\n");
        if (s.status != null) {
          o.append("<p class=\"verdict\">").append(marker(s.status));
          if (s.statusNote != null) {
            o.append(' ').append(escape(s.statusNote));
          }
          o.append("</p>\n");
        }
        o.append(s.body).append("</section>\n");
      }
      o.append("</main>\n</body>\n</html>\n");
      return new HtmlReport(o.toString());
    }
  }

  private static final String CSS = String.join("\n",
      ":root{color-scheme:light;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg2:#f6f8fa}",
      "*{box-sizing:border-box}",
      "body{margin:0;color:var(--fg);background:#fff;line-height:1.5;"
          + "font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif}",
      "main{max-width:60em;margin:0 auto;padding:1em}",
      "h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.3em;margin:1.6em 0 .4em;"
          + "border-bottom:1px solid var(--line)}",
      ".subtitle{color:var(--muted);margin-top:0}",
      "p,li,dd,figcaption{overflow-wrap:anywhere}",
      ".meta{display:grid;grid-template-columns:max-content 1fr;gap:.1em 1em;margin:1em 0;font-size:.9em}",
      ".meta dt{font-weight:600}.meta dd{margin:0}",
      "pre{background:var(--bg2);border:1px solid var(--line);border-radius:4px;padding:.6em;overflow-x:auto;"
          + "font-size:.85em;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,\"Liberation Mono\",monospace}",
      "pre.command{border-left:4px solid #0969da}",
      ".scroll{overflow-x:auto;margin:.8em 0}",
      "table{border-collapse:collapse;font-size:.9em}",
      "th,td{border:1px solid var(--line);padding:.25em .6em;text-align:left;vertical-align:top;white-space:nowrap}",
      "th{background:var(--bg2)}.num{text-align:right;font-variant-numeric:tabular-nums}",
      "td.long{white-space:normal;min-width:16em}",
      "figure{margin:1em 0}img{max-width:100%;height:auto;display:block}",
      "figcaption{color:var(--muted);font-size:.9em}",
      ".status{display:inline-block;padding:0 .4em;border-radius:3px;font-weight:600;font-size:.85em;"
          + "white-space:nowrap;border:1px solid}",
      ".status.pass{color:#116329;background:#dafbe1}",
      ".status.fail{color:#a40e26;background:#ffebe9}",
      ".status.info{color:#0550ae;background:#ddf4ff}",
      "");

  private static String marker(Status s) {
    return "<span class=\"status " + s.word + "\">" + s.symbol + " " + s.word.toUpperCase(Locale.ROOT) + "</span>";
  }

  private static final Pattern NUMERIC =
      Pattern.compile("[-+\u2212]?(\\d[\\d,_\u202f]*)?\\.?\\d+([eE][-+]?\\d+)?(\\s?(%|\u00d7|[A-Za-z\u00b5/]{1,4}))?");

  /**
   * Whether a cell reads as a number, possibly with a short unit: {@code 12}, {@code -0.5}, {@code 1,234},
   * {@code 3.2e-4}, {@code 12 %}, {@code 4.1 ms}, {@code 3×}.
   */
  static boolean isNumeric(String cell) {
    return NUMERIC.matcher(cell.strip()).matches();
  }

  /**
   * The text escaped for an HTML element or a quoted attribute; control characters other than tab and line
   * breaks (which HTML does not allow) become U+FFFD.
   */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
            b.append('\ufffd');
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
