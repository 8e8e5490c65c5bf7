package io.loopforge.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the demo reports, stage by stage, before it is written out as {@code report.html}: sections of
 * paragraphs, tables, plots, equations and the commands that reproduce a stage. Kept apart from the HTML
 * so that a stage that fails still leaves the sections of those that ran.
 */
final class DemoReport {
  /** A part of a section. */
  sealed interface Block permits Text, Table, Image, Command, Preformatted {}

  record Text(String text) implements Block {}

  record Table(List<String> header, List<List<String>> rows) implements Block {}

  record Image(Path png, String alt, String caption) implements Block {}

  record Command(String command) implements Block {}

  record Preformatted(String text) implements Block {}

  /** How a section ended. */
  enum Outcome {
    PASSED, FAILED, INFO
  }

  /** One stage's section. */
  static final class Section {
    final String id;
    final String title;
    final List<Block> blocks = new ArrayList<>();
    Outcome outcome = Outcome.INFO;
    String outcomeText = "";
    double seconds;

    Section(String id, String title) {
      this.id = id;
      this.title = title;
    }

    Section text(String s) {
      blocks.add(new Text(s));
      return this;
    }

    Section table(List<String> header, List<List<String>> rows) {
      blocks.add(new Table(List.copyOf(header), rows.stream().map(List::copyOf).toList()));
      return this;
    }

    Section image(Path png, String alt, String caption) {
      blocks.add(new Image(png, alt, caption));
      return this;
    }

    Section command(String c) {
      blocks.add(new Command(c));
      return this;
    }

    Section preformatted(String s) {
      blocks.add(new Preformatted(s));
      return this;
    }
  }

  final Map<String, String> meta = new LinkedHashMap<>();
  final List<Section> sections = new ArrayList<>();
  /** The headline table above the sections (the controllers' costs), empty until known. */
  List<String> resultsHeader = List.of();
  List<List<String>> results = List.of();
  String title = "";
  String subtitle = "";

  Section section(String id, String title) {
    Section s = new Section(id, title);
    sections.add(s);
    return s;
  }
}
