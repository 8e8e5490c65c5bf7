/**
 * SINDy: sparse identification of nonlinear dynamics, with PySINDy's semantics (same data and
 * settings give the same model; see {@code shared/notes/pysindy-semantics.md}).
 *
 * <pre>
 * Sindy sindy = SindySpec.read(Path.of("spec.json")).toSindy();     // or Sindy.builder()…build()
 * SindyModel model = sindy.fit(TrajectoryCsv.read(Path.of("data.csv")));
 * model.printLines().forEach(System.out::println);                  // (x0)' = -9.999 x0 +  9.999 x1
 * ModelFiles.write(Model.of(model), Path.of("model.json"));       // loopforge-model/1, type sindy
 * </pre>
 *
 * <ul>
 *   <li>{@link io.loopforge.modeling.sindy.FeatureLibrary}: polynomial, Fourier, identity, custom,
 *       concatenation, tensor product, control-affine; compiled by {@code bind} into a
 *       {@link io.loopforge.modeling.sindy.BoundLibrary};
 *   <li>{@link io.loopforge.modeling.sindy.Differentiation}: finite differences (order 1–4),
 *       Savitzky–Golay smoothed finite differences, spectral; or derivatives given to
 *       {@link io.loopforge.modeling.sindy.Sindy#fit(io.loopforge.modeling.Dataset, java.util.List)};
 *   <li>{@link io.loopforge.modeling.sindy.Optimizer}: {@link io.loopforge.modeling.sindy.Stlsq},
 *       {@link io.loopforge.modeling.sindy.Sr3}, {@link io.loopforge.modeling.sindy.EnsembleOptimizer};
 *   <li>{@link io.loopforge.modeling.sindy.SindyModel}: equations, prediction, R², simulation, and a
 *       {@link io.loopforge.modeling.DynamicsModel} (RK4 step with its exact Jacobian for continuous
 *       models); {@link io.loopforge.modeling.sindy.SindyModelFile} is its file codec, used through
 *       the model registry ({@link io.loopforge.modeling.registry.ModelFiles});
 *   <li>{@link io.loopforge.modeling.sindy.SindySpec}: the JSON fit spec, parsed strictly.
 * </ul>
 *
 * <p>Numerics: Θ is never formed as a whole. Its rows are generated block by block (column-wise,
 * vectorisable) and folded into a Householder QR factorisation (package-private {@code TallQr}); every
 * least-squares, ridge and SR3 solve of the optimizers then works on the p × p triangular factor. The
 * normal equations are never formed (cond(Θ) ≈ 3e10 for a degree-5 library on Lorenz data).
 */
package io.loopforge.modeling.sindy;
