package io.loopforge.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writes the demo's report as one self-contained HTML file ({@link HtmlReport}): the summary first, then a section per stage. */
final class DemoHtml {
  private DemoHtml() {}

  /** Writes {@code r} to {@code html}. */
  static void write(DemoReport r, Path html) throws IOException {
    HtmlReport.Builder b = HtmlReport.builder(r.title).subtitle(r.subtitle);
    r.meta.forEach(b::meta);
    HtmlReport.Table.Builder t = HtmlReport.table("stage", "time (s)", "result");
    for (DemoReport.Section s : r.sections) {
      t.row(status(s.outcome), s.title, String.format(Locale.ROOT, "%.1f", s.seconds), s.outcomeText);
    }
    b.table(t.build());
    if (!r.results.isEmpty()) {
      HtmlReport.Table.Builder results = HtmlReport.table(r.resultsHeader.toArray(String[]::new));
      for (List<String> row : r.results) {
        results.row(row.toArray(String[]::new));
      }
      b.paragraph("The controllers on the same episodes against the simulated plant (stage 4 and 5):");
      b.table(results.build());
    }
    b.paragraph("commands.sh beside this report redoes the stages from the command line on the files the demo wrote.");
    for (DemoReport.Section s : r.sections) {
      b.section(s.title, s.id).status(status(s.outcome), s.outcomeText.isEmpty()
          ? String.format(Locale.ROOT, "%.1f s", s.seconds)
          : String.format(Locale.ROOT, "%s (%.1f s)", s.outcomeText, s.seconds));
      for (DemoReport.Block block : s.blocks) {
        if (block instanceof DemoReport.Text x) {
          b.paragraph(x.text());
        } else if (block instanceof DemoReport.Preformatted x) {
          b.preformatted(x.text());
        } else if (block instanceof DemoReport.Command x) {
          b.command(x.command());
        } else if (block instanceof DemoReport.Image x) {
          b.image(x.png(), x.alt(), x.caption());
        } else if (block instanceof DemoReport.Table x) {
          HtmlReport.Table.Builder tb = HtmlReport.table(x.header().toArray(String[]::new));
          for (List<String> row : x.rows()) {
            tb.row(row.toArray(String[]::new));
          }
          b.table(tb.build());
        }
      }
    }
    b.build().write(html);
  }

  private static HtmlReport.Status status(DemoReport.Outcome o) {
    return switch (o) {
      case PASSED -> HtmlReport.Status.PASS;
      case FAILED -> HtmlReport.Status.FAIL;
      case INFO -> HtmlReport.Status.INFO;
    };
  }
}
