package io.loopforge.cli;

import io.loopforge.modeling.onnx.OnnxExport;
import io.loopforge.modeling.registry.ModelFile;
import io.loopforge.modeling.registry.ModelFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code loopforge export onnx}: a relu-network model file as a standard ONNX graph. */
@Command(
    name = "onnx",
    mixinStandardHelpOptions = true,
    header = "Write a ReLU network as a standard ONNX graph (Gemm/Relu, opset 13).",
    sortOptions = false,
    description = {
      "Write a relu-network model file (dense or folded) as a standard ONNX graph of Gemm and Relu nodes,"
          + " opset " + OnnxExport.OPSET + ", for Netron or onnxruntime: input 'z' [batch, nx + nu] (states, then"
          + " inputs), output 'f' [batch, nx] (the next state, or its increment for a residual network). A"
          + " network with identity or removed neurons, or a folded one, is written with Gemm/Relu layers that"
          + " carry the input (as relu(z) and relu(-z)) and earlier units to the layers that read them: the"
          + " same function. Names, dt and the residual flag go into the model's metadata, so"
          + " 'loopforge import onnx' reads it back without options.",
      ""
    })
final class ExportOnnxCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "MODEL.json", description = "The relu-network model file.")
  Path model;

  @Option(names = "--out", required = true, paramLabel = "NET.onnx", description = "Where to write the ONNX file.")
  Path out;

  @Option(names = "--precision", defaultValue = "f32", paramLabel = "P",
      description = "f32 (float32 weights, what runtimes expect) or f64 (default: ${DEFAULT-VALUE}).")
  String precision;

  @Override
  public Integer call() {
    OnnxExport.Precision p;
    switch (precision) {
      case "f32":
        p = OnnxExport.Precision.FLOAT32;
        break;
      case "f64":
        p = OnnxExport.Precision.FLOAT64;
        break;
      default:
        throw new ParameterException(spec.commandLine(), "--precision is '" + precision + "'; give f32 or f64");
    }
    OutputPaths.refuseOverwrite(spec, out, model);
    OutputPaths.checkWritable(spec, "--out", out);
    ModelFile f = ModelFiles.read(model);
    OnnxExport.write(f.model(), p, out);
    PrintWriter w = spec.commandLine().getOut();
    w.println("wrote " + out + ": " + f.kind().description() + " " + f.name() + " as Gemm/Relu, opset "
        + OnnxExport.OPSET + ", " + (p == OnnxExport.Precision.FLOAT32 ? "float32" : "float64"));
    w.flush();
    return 0;
  }
}
