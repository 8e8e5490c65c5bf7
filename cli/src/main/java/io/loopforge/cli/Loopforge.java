package io.loopforge.cli;

public final class Loopforge {
  public static void main(String[] args) {}
}
