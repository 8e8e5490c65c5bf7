#!/usr/bin/env python3
"""Writes the ONNX fixtures of OnnxImportTest and their reference outputs.

Made with Debian's python3-onnx 1.12.0 and python3-numpy (apt-get install python3-onnx), because
neither torch nor tensorflow/tf2onnx is installable here. Each graph is written node for node as the
named exporter writes it (names, attributes, initializer encodings, opset and IR versions):

  pytorch-gemm.onnx     torch.onnx.export of nn.Sequential(Flatten, Linear, ReLU, Linear, ReLU, Linear)
                        with dynamic batch axis: Flatten, Gemm(transB=1), raw_data initializers, an
                        Identity on a shared weight; opset 17, IR 8.
  tf2onnx-matmul.onnx   tf2onnx of a Keras Sequential of Dense layers: input "dense_input:0" with an
                        unknown batch dim, MatMul + Add, typed float_data initializers; opset 13, IR 7.
  pytorch-scaled.onnx   a PyTorch module that normalises its input ((z - mean) / std, Constant nodes),
                        has a Linear layer without activation, and scales its output (y * s + o);
                        opset 21, IR 10.
  float64-opset9.onnx   float64 weights (typed double_data), Gemm(transB=0) with its bias, initializers
                        also listed as graph inputs (keep_initializers_as_inputs); opset 9, IR 4.

Reference outputs: the graph is evaluated by the small numpy evaluator below (node by node) at 1000
seeded random inputs, in the graph's precision (y0, y1: what a float32 runtime computes; float64 for
the float64 fixture) and in float64 with the same weights (y0_f64, y1_f64: the function the graph
stands for, without float32 rounding); written to <name>.reference.csv, every value printed so that it
reads back exactly.
Run from this folder: python3 make_fixtures.py
"""
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

rng = np.random.default_rng(20261206)


def he(rows, cols, dtype=np.float32):
    return (rng.standard_normal((rows, cols)) * np.sqrt(2.0 / cols)).astype(dtype)


def bias(n, dtype=np.float32):
    return (rng.standard_normal(n) * 0.1).astype(dtype)


def raw(name, a):
    return numpy_helper.from_array(a, name)  # numpy_helper writes raw_data


def typed(name, a):
    if a.dtype == np.float64:
        return helper.make_tensor(name, TensorProto.DOUBLE, a.shape, a.flatten().tolist())
    return helper.make_tensor(name, TensorProto.FLOAT, a.shape, a.flatten().tolist())


def pytorch_gemm():
    w1, b1 = he(16, 3), bias(16)
    w2, b2 = he(16, 16), bias(16)
    w3, b3 = he(2, 16), bias(2)
    inits = [raw("0.weight", w1), raw("0.bias", b1), raw("2.weight", w2), raw("2.bias", b2),
             raw("4.weight", w3), raw("4.bias", b3)]
    nodes = [
        helper.make_node("Flatten", ["input"], ["/0/Flatten_output_0"], name="/0/Flatten", axis=1),
        helper.make_node("Gemm", ["/0/Flatten_output_0", "0.weight", "0.bias"], ["/1/Gemm_output_0"],
                         name="/1/Gemm", alpha=1.0, beta=1.0, transB=1),
        helper.make_node("Relu", ["/1/Gemm_output_0"], ["/2/Relu_output_0"], name="/2/Relu"),
        helper.make_node("Identity", ["2.weight"], ["onnx::Gemm_14"], name="Identity_0"),
        helper.make_node("Gemm", ["/2/Relu_output_0", "onnx::Gemm_14", "2.bias"], ["/3/Gemm_output_0"],
                         name="/3/Gemm", alpha=1.0, beta=1.0, transB=1),
        helper.make_node("Relu", ["/3/Gemm_output_0"], ["/4/Relu_output_0"], name="/4/Relu"),
        helper.make_node("Gemm", ["/4/Relu_output_0", "4.weight", "4.bias"], ["output"], name="/5/Gemm",
                         alpha=1.0, beta=1.0, transB=1),
    ]
    graph = helper.make_graph(nodes, "main_graph",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 3])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", 2])], inits)
    m = helper.make_model(graph, producer_name="pytorch", producer_version="2.1.0",
                          opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    return m


def tf2onnx_matmul():
    w1, b1 = he(16, 3).T.copy(), bias(16)  # Keras kernels are (in, out)
    w2, b2 = he(16, 16).T.copy(), bias(16)
    w3, b3 = he(2, 16).T.copy(), bias(2)
    p = "sequential/"
    inits = [typed(p + "dense/MatMul/ReadVariableOp:0", w1), typed(p + "dense/BiasAdd/ReadVariableOp:0", b1),
             typed(p + "dense_1/MatMul/ReadVariableOp:0", w2), typed(p + "dense_1/BiasAdd/ReadVariableOp:0", b2),
             typed(p + "dense_2/MatMul/ReadVariableOp:0", w3), typed(p + "dense_2/BiasAdd/ReadVariableOp:0", b3)]
    nodes = []
    x = "dense_input:0"
    for i, d in enumerate(["dense", "dense_1", "dense_2"]):
        nodes.append(helper.make_node("MatMul", [x, p + d + "/MatMul/ReadVariableOp:0"], [p + d + "/MatMul:0"],
                                      name=p + d + "/MatMul"))
        out = p + d + "/BiasAdd:0" if i < 2 else "dense_2"
        nodes.append(helper.make_node("Add", [p + d + "/MatMul:0", p + d + "/BiasAdd/ReadVariableOp:0"], [out],
                                      name=p + d + "/BiasAdd"))
        if i < 2:
            nodes.append(helper.make_node("Relu", [out], [p + d + "/Relu:0"], name=p + d + "/Relu"))
            x = p + d + "/Relu:0"
    graph = helper.make_graph(nodes, "tf2onnx",
                              [helper.make_tensor_value_info("dense_input:0", TensorProto.FLOAT, ["unk__6", 3])],
                              [helper.make_tensor_value_info("dense_2", TensorProto.FLOAT, ["unk__7", 2])], inits)
    m = helper.make_model(graph, producer_name="tf2onnx", producer_version="1.16.1 15c810",
                          opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 7
    return m


def pytorch_scaled():
    mean = np.array([0.5, -1.0, 2.0], np.float32)
    std = np.array([2.0, 0.25, 4.0], np.float32)
    w1, b1 = he(12, 3), bias(12)
    w2, b2 = he(8, 12), bias(8)   # linear layer, no activation
    w3, b3 = he(12, 8), bias(12)
    w4, b4 = he(2, 12), bias(2)
    scale = np.array([3.0, 0.5], np.float32)
    offset = np.array([-0.25, 1.5], np.float32)
    inits = [raw("net.0.weight", w1), raw("net.0.bias", b1), raw("net.2.weight", w2), raw("net.2.bias", b2),
             raw("net.3.weight", w3), raw("net.3.bias", b3), raw("net.5.weight", w4), raw("net.5.bias", b4)]
    nodes = [
        helper.make_node("Constant", [], ["/Constant_output_0"], name="/Constant", value=raw("c0", mean)),
        helper.make_node("Sub", ["z", "/Constant_output_0"], ["/Sub_output_0"], name="/Sub"),
        helper.make_node("Constant", [], ["/Constant_1_output_0"], name="/Constant_1", value=raw("c1", std)),
        helper.make_node("Div", ["/Sub_output_0", "/Constant_1_output_0"], ["/Div_output_0"], name="/Div"),
        helper.make_node("Gemm", ["/Div_output_0", "net.0.weight", "net.0.bias"], ["/net/0/Gemm_output_0"],
                         name="/net/0/Gemm", alpha=1.0, beta=1.0, transB=1),
        helper.make_node("Relu", ["/net/0/Gemm_output_0"], ["/net/1/Relu_output_0"], name="/net/1/Relu"),
        helper.make_node("Gemm", ["/net/1/Relu_output_0", "net.2.weight", "net.2.bias"], ["/net/2/Gemm_output_0"],
                         name="/net/2/Gemm", alpha=1.0, beta=1.0, transB=1),
        helper.make_node("Gemm", ["/net/2/Gemm_output_0", "net.3.weight", "net.3.bias"], ["/net/3/Gemm_output_0"],
                         name="/net/3/Gemm", alpha=1.0, beta=1.0, transB=1),
        helper.make_node("Relu", ["/net/3/Gemm_output_0"], ["/net/4/Relu_output_0"], name="/net/4/Relu"),
        helper.make_node("Gemm", ["/net/4/Relu_output_0", "net.5.weight", "net.5.bias"], ["/net/5/Gemm_output_0"],
                         name="/net/5/Gemm", alpha=1.0, beta=1.0, transB=1),
        helper.make_node("Constant", [], ["/Constant_2_output_0"], name="/Constant_2", value=raw("c2", scale)),
        helper.make_node("Mul", ["/net/5/Gemm_output_0", "/Constant_2_output_0"], ["/Mul_output_0"], name="/Mul"),
        helper.make_node("Constant", [], ["/Constant_3_output_0"], name="/Constant_3", value=raw("c3", offset)),
        helper.make_node("Add", ["/Mul_output_0", "/Constant_3_output_0"], ["y"], name="/Add"),
    ]
    graph = helper.make_graph(nodes, "main_graph",
                              [helper.make_tensor_value_info("z", TensorProto.FLOAT, ["batch", 3])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 2])], inits)
    m = helper.make_model(graph, producer_name="pytorch", producer_version="2.5.1",
                          opset_imports=[helper.make_opsetid("", 21)])
    m.ir_version = 10
    return m


def float64_opset9():
    d = np.float64
    w1, b1 = he(3, 10, d), bias(10, d)  # transB = 0: B is (in, out)
    w2, b2 = he(10, 2, d), bias(2, d)
    inits = [typed("W1", w1), typed("B1", b1), typed("W2", w2), typed("B2", b2)]
    nodes = [
        helper.make_node("Gemm", ["z", "W1", "B1"], ["h1"], name="Gemm_0", alpha=1.0, beta=1.0),
        helper.make_node("Relu", ["h1"], ["a1"], name="Relu_1"),
        helper.make_node("Gemm", ["a1", "W2", "B2"], ["y"], name="Gemm_2", alpha=1.0, beta=1.0),
    ]
    inputs = [helper.make_tensor_value_info("z", TensorProto.DOUBLE, [1, 3])]
    inputs += [helper.make_tensor_value_info(t.name, TensorProto.DOUBLE, list(t.dims)) for t in inits]
    graph = helper.make_graph(nodes, "torch-jit-export", inputs,
                              [helper.make_tensor_value_info("y", TensorProto.DOUBLE, [1, 2])], inits)
    m = helper.make_model(graph, producer_name="pytorch", producer_version="1.4",
                          opset_imports=[helper.make_opsetid("", 9)])
    m.ir_version = 4
    return m


def evaluate(model, z):
    """The graph at a batch of inputs, node by node, in the precision of z (the weights converted to it)."""
    g = model.graph
    env = {t.name: numpy_helper.to_array(t).astype(z.dtype) for t in g.initializer}
    env[g.input[0].name] = z
    for n in g.node:
        a = {at.name: helper.get_attribute_value(at) for at in n.attribute}
        x = [env[i] for i in n.input]
        if n.op_type == "Constant":
            y = numpy_helper.to_array(a["value"]).astype(z.dtype)
        elif n.op_type in ("Identity", "Flatten"):
            y = x[0].reshape(x[0].shape[0], -1) if n.op_type == "Flatten" else x[0]
        elif n.op_type == "Gemm":
            b = x[1].T if a.get("transB", 0) else x[1]
            y = a.get("alpha", 1.0) * (x[0] @ b)
            if len(x) > 2:
                y = y + a.get("beta", 1.0) * x[2]
        elif n.op_type == "MatMul":
            y = x[0] @ x[1]
        elif n.op_type == "Add":
            y = x[0] + x[1]
        elif n.op_type == "Sub":
            y = x[0] - x[1]
        elif n.op_type == "Mul":
            y = x[0] * x[1]
        elif n.op_type == "Div":
            y = x[0] / x[1]
        elif n.op_type == "Relu":
            y = np.maximum(x[0], 0)
        else:
            raise ValueError(n.op_type)
        env[n.output[0]] = y.astype(z.dtype)
    return env[g.output[0].name]


def main():
    for name, model, dtype in [("pytorch-gemm", pytorch_gemm(), np.float32),
                               ("tf2onnx-matmul", tf2onnx_matmul(), np.float32),
                               ("pytorch-scaled", pytorch_scaled(), np.float32),
                               ("float64-opset9", float64_opset9(), np.float64)]:
        if model.opset_import[0].version <= 17:  # the checker of onnx 1.12 knows opsets up to 17
            onnx.checker.check_model(model, full_check=True)
        onnx.save(model, name + ".onnx")
        z = (rng.uniform(-3, 3, (1000, 3))).astype(dtype)
        y = np.concatenate([evaluate(model, z[i:i + 1]) for i in range(len(z))])
        y64 = np.concatenate([evaluate(model, z[i:i + 1].astype(np.float64)) for i in range(len(z))])
        with open(name + ".reference.csv", "w") as f:
            f.write("z0,z1,z2,y0,y1,y0_f64,y1_f64\n")
            for zi, yi, wi in zip(z, y, y64):
                f.write(",".join(repr(float(v)) for v in list(zi) + list(yi) + list(wi)) + "\n")


if __name__ == "__main__":
    main()
