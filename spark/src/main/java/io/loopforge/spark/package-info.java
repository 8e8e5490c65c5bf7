/**
 * The distillation's solves on Apache Spark: a job whose executors write Parquet ({@link
 * io.loopforge.spark.SparkSolveJob}), its {@code spark-submit} entry point ({@link
 * io.loopforge.spark.SparkSolveApp}), and the {@link io.loopforge.mpc.distill.FanOut} engine {@code "spark"}
 * that {@code loopforge distill --engine spark} finds ({@link io.loopforge.spark.SparkFanOut}); the same
 * records as the local fan-out. Optional: nothing else depends on it.
 */
package io.loopforge.spark;
