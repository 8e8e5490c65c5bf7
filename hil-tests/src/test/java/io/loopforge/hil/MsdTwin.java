package io.loopforge.hil;

/** Java twin of the msd test controller (src/test/resources/io/loopforge/hil/controllers/msd). */
final class MsdTwin implements ControllerTwin {
  private static final float[] K = {20.0f, 6.0f};
  private static final float STIFFNESS = 2.0f;
  private static final float LIMIT = 10.0f;

  @Override
  public float[] control(float[] x, float[] r) {
    float s = STIFFNESS * r[0];
    for (int j = 0; j < K.length; j++) {
      s = s - K[j] * (x[j] - r[j]);
    }
    return new float[] {s > LIMIT ? LIMIT : (s < -LIMIT ? -LIMIT : s)};
  }
}
