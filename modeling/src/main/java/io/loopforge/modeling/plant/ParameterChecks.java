package io.loopforge.modeling.plant;

import io.loopforge.modeling.ModelingException;

/** Validation of plant builder parameters, with messages that name the plant, parameter and unit. */
final class ParameterChecks {
  private ParameterChecks() {}

  static double positive(String plant, String parameter, String unit, double value) {
    if (!(value > 0) || !Double.isFinite(value)) {
      throw new ModelingException(
          plant + ": parameter " + parameter + " must be finite and > 0 (" + unit + "), got " + value);
    }
    return value;
  }

  static double nonNegative(String plant, String parameter, String unit, double value) {
    if (!(value >= 0) || !Double.isFinite(value)) {
      throw new ModelingException(
          plant + ": parameter " + parameter + " must be finite and >= 0 (" + unit + "), got " + value);
    }
    return value;
  }

  static double finite(String plant, String parameter, String unit, double value) {
    if (!Double.isFinite(value)) {
      throw new ModelingException(plant + ": parameter " + parameter + " must be finite (" + unit + "), got " + value);
    }
    return value;
  }
}
