#!/usr/bin/python3
"""tests/tflite_armnn.py FILE.tflite IN.bin... - runs a .tflite in Arm NN
(Debian's python3-pyarmnn, TfLiteParser on the CpuRef backend: an outside
reader of the file diffprune.h writes) and prints one line per input: the
output's bytes in hex. Exit 77 when pyarmnn is not installed. Used by
tests/tflite_armnn.sh, one process per file (an Arm NN assertion aborts the
process)."""
import sys
try:
    import numpy as np
    import pyarmnn as ann
except Exception as e:          # absent: the caller skips
    print("pyarmnn not importable: %s" % e)
    sys.exit(77)
path, inputs = sys.argv[1], sys.argv[2:]
parser = ann.ITfLiteParser()
net = parser.CreateNetworkFromBinaryFile(path)
ib = parser.GetNetworkInputBindingInfo(0, parser.GetSubgraphInputTensorNames(0)[0])
ob = parser.GetNetworkOutputBindingInfo(0, parser.GetSubgraphOutputTensorNames(0)[0])
rt = ann.IRuntime(ann.CreationOptions())
opt, _ = ann.Optimize(net, [ann.BackendId("CpuRef")], rt.GetDeviceSpec(), ann.OptimizerOptions())
nid, _ = rt.LoadNetwork(opt)
for f in inputs:
    x = np.frombuffer(open(f, "rb").read(), dtype=np.int8)
    if x.size != ib[1].GetNumElements():
        print("input size %d, the network takes %d" % (x.size, ib[1].GetNumElements()))
        sys.exit(1)
    it = ann.make_input_tensors([ib], [x])
    ot = ann.make_output_tensors([ob])
    rt.EnqueueWorkload(nid, it, ot)
    y = ann.workload_tensors_to_ndarray(ot)[0]
    print(y.astype(np.int8).tobytes().hex())
