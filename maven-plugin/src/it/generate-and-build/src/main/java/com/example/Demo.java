package com.example;

import com.example.control.Dynamics;
import com.example.control.PendulumLqr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The Java twins on the inputs of demo.c; prints the same lines. */
public final class Demo {
  private Demo() {}

  public static void main(String[] args) throws IOException {
    PendulumLqr lqr = new PendulumLqr();
    Dynamics dynamics = new Dynamics();
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      float[] x = {0.1f * (float) i - 0.3f, 0.05f * (float) i};
      float[] u = lqr.control(x, new float[PendulumLqr.NR]);
      float[] next = new float[Dynamics.NX];
      if (dynamics.step(x, u, next) != Dynamics.OK) {
        throw new IllegalStateException("step failed");
      }
      s.append(String.format("%08x %08x %08x%n", Float.floatToRawIntBits(u[0]), Float.floatToRawIntBits(next[0]),
          Float.floatToRawIntBits(next[1])));
    }
    Files.writeString(Path.of(args[0]), s.toString());
  }
}
