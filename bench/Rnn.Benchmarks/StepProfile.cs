using System;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Rnn.Kernels;
using Rnn.Layers;

namespace Rnn.Benchmarks
{
    /// <summary>
    /// Where the time of one streaming Step goes: every piece the generated W1.Step runs, timed alone on the same
    /// sizes and data (Stopwatch loops, median of rounds), next to the whole Step, plus a hand-fused AVX-512 sketch of the
    /// same step as a floor. Internal runtime pieces (LstmCell, GemmFloat, RecurrentDirection.Add) are reached by
    /// reflection as delegates, which adds about a nanosecond per call to those rows.
    /// </summary>
    /// <remarks>Usage: <c>profile [--seconds S]</c> (S = time per row, default 0.5).</remarks>
    public static class StepProfile
    {
        private delegate void GemmFn(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate);

        private delegate void AddFn(Span<float> dst, ReadOnlySpan<float> src);

        private delegate void LstmFn(Span<float> gates, ReadOnlySpan<float> cPrev, Span<float> c, Span<float> h, int hidden);

        private delegate void GruFn(Span<float> gates, ReadOnlySpan<float> hh, ReadOnlySpan<float> hPrev, Span<float> h, Span<float> hn, int hidden);

        private static double s_seconds = 0.5;

        public static int Run(string[] args)
        {
            for (int i = 0; i < args.Length; i++)
            {
                if (args[i] == "--seconds") s_seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
                else
                {
                    Console.Error.WriteLine($"unknown argument {args[i]}; usage: profile [--seconds S]");
                    return 2;
                }
            }

            KernelOptions.MaxThreads = 1;
            Console.WriteLine($"Streaming Step profile, .NET {Environment.Version}, Vector512 {(Vector512.IsHardwareAccelerated ? "on" : "off")}, "
                + $"Vector<float>.Count = {Vector<float>.Count}; ns per call, median of rounds");
            ProfileLstm("W1: LSTM(1 → 32) + Dense(1)", new W1(seed: 1), hidden: 32);
            ProfileLstm("LSTM(1 → 128) + Dense(1)", new Lstm128(seed: 1), hidden: 128);
            ProfileGru32();
            ScalarMath();
            return 0;
        }

        private static void ProfileLstm(string title, IStreamingModel model, int hidden)
        {
            int g = 4 * hidden;
            Span<float> p0 = ((ITensors)model).Parameters;
            float[] parameters = p0.ToArray();
            int wih = 0, whh = g, bih = whh + g * hidden, bhh = bih + g, dense = bhh + g;
            float[] x = { 0.25f }, y = new float[1], h = Data.Signal(hidden, 3), c = Data.Signal(hidden, 4);
            float[] gates = new float[g], hh = new float[g], sy = new float[1];
            for (int k = 0; k < hidden; k++) { h[k] *= 0.5f; c[k] *= 0.5f; }
            var block = new RecurrentBlock<float>(CellType.Lstm, 1, hidden, 1, 1, Merge.Concat, 0);
            var asm = typeof(RecurrentBlock<float>).Assembly;

            Console.WriteLine();
            Console.WriteLine(title);
            Row("whole model.Step (x [1] → y [1])", n => { for (int i = 0; i < n; i++) model.Step(x, y); });
            Row("  Guard.Size × 2 (argument checks)", n =>
            {
                for (int i = 0; i < n; i++)
                {
                    Guard.Size(x.Length, 1, "x", "[InputSize]");
                    Guard.Size(y.Length, 1, "y", "[OutputSize]");
                }
            });
            Row("  RecurrentBlock.Step (the LSTM layer)", n => { for (int i = 0; i < n; i++) block.Step(parameters, 0, x, h); });
            Row($"    Gemm.MatMulTransB 1×{g}×1  (W_ih·x)", n =>
            {
                for (int i = 0; i < n; i++) Gemm.MatMulTransB<float>(x, parameters.AsSpan(wih, g), gates, 1, g, 1, false);
            });
            Row($"    Gemm.MatMulTransB 1×{g}×{hidden} (W_hh·h)", n =>
            {
                for (int i = 0; i < n; i++) Gemm.MatMulTransB<float>(h, parameters.AsSpan(whh, g * hidden), hh, 1, g, hidden, false);
            });
            var gemmFloat = Bind<GemmFn>(asm, "Rnn.Kernels.GemmFloat", "MatMulTransB", null);
            if (gemmFloat is not null)
            {
                Row($"      GemmFloat alone (no Validate/dispatch, W_hh·h)", n =>
                {
                    for (int i = 0; i < n; i++) gemmFloat(h, parameters.AsSpan(whh, g * hidden), hh, 1, g, hidden, false);
                });
                Row($"      GemmFloat alone (no Validate/dispatch, W_ih·x)", n =>
                {
                    for (int i = 0; i < n; i++) gemmFloat(x, parameters.AsSpan(wih, g), gates, 1, g, 1, false);
                });
            }

            var add = Bind<AddFn>(asm, "Rnn.Layers.RecurrentDirection`1", "Add", typeof(float));
            if (add is not null)
            {
                Row($"    Add × 3 over {g} (b_ih, b_hh, gates + hh)", n =>
                {
                    for (int i = 0; i < n; i++)
                    {
                        add(gates, parameters.AsSpan(bih, g));
                        add(hh, parameters.AsSpan(bhh, g));
                        add(gates, hh);
                    }
                });
            }

            var lstm = Bind<LstmFn>(asm, "Rnn.Layers.LstmCell", "Forward", typeof(float));
            if (lstm is not null)
            {
                float[] preact = Data.Signal(g, 5);
                Row($"    LstmCell.Forward, H = {hidden} (scalar σ/tanh)", n =>
                {
                    for (int i = 0; i < n; i++) lstm(preact, c, c, h, hidden);
                });
            }

            Row($"    copy h → y ({hidden})", n => { for (int i = 0; i < n; i++) h.AsSpan().CopyTo(gates); });
            Row($"  DenseLayer.Forward {hidden} → 1 (GEMM 1×1×{hidden} + AddBias)", n =>
            {
                for (int i = 0; i < n; i++) DenseLayer.Forward<float>(parameters, dense, hidden, 1, Activation.Linear, h, 1, sy);
            });
            Row($"    Gemm.MatMulTransB 1×1×{hidden} alone", n =>
            {
                for (int i = 0; i < n; i++) Gemm.MatMulTransB<float>(h, parameters.AsSpan(dense, hidden), sy, 1, 1, hidden, false);
            });
            Row("    Rows.AddBias 1×1 alone", n =>
            {
                for (int i = 0; i < n; i++) Rows.AddBias<float>(sy, parameters.AsSpan(dense + hidden, 1), 1, 1);
            });
            Row("  Head.Outputs (linear: Activate → copy)", n =>
            {
                for (int i = 0; i < n; i++) Head.Outputs<float>(Activation.Linear, sy, y, 1, 1, 1, default);
            });

            // The floor: the same step hand-fused (one pass, transposed weights, AVX-512 exp), checked against model.Step.
            if (Vector512.IsHardwareAccelerated && hidden % 32 == 0)
            {
                var sketch = new FusedLstmSketch(parameters, hidden);
                model.ResetState();
                float[] signal = Data.Signal(4096, 9);
                double maxDiff = 0;
                float[] yModel = new float[1];
                for (int t = 0; t < signal.Length; t++)
                {
                    model.Step(signal.AsSpan(t, 1), yModel);
                    float ySketch = sketch.Step(signal[t]);
                    maxDiff = Math.Max(maxDiff, Math.Abs(ySketch - yModel[0]));
                }

                Row($"  sketch: fused AVX-512 step (max |Δy| vs Step over 4096 samples {maxDiff:E1})", n =>
                {
                    float s = 0;
                    for (int i = 0; i < n; i++) s += sketch.Step(0.25f);
                    GC.KeepAlive(s);
                });
                model.ResetState();
            }

            Flush();
        }

        private static void ProfileGru32()
        {
            const int hidden = 32, g = 96;
            var model = new Gru32(seed: 1);
            float[] x = { 0.25f }, y = new float[1];
            float[] hh = Data.Signal(g, 7), h = new float[hidden], hn = new float[hidden], pre = Data.Signal(g, 8);
            var gru = Bind<GruFn>(typeof(RecurrentBlock<float>).Assembly, "Rnn.Layers.GruCell", "Forward", typeof(float));
            Console.WriteLine();
            Console.WriteLine("GRU(1 → 32) + Dense(1)");
            Row("whole model.Step", n => { for (int i = 0; i < n; i++) model.Step(x, y); });
            if (gru is not null)
            {
                Row("  GruCell.Forward, H = 32 (scalar σ/tanh)", n =>
                {
                    for (int i = 0; i < n; i++) gru(pre, hh, h, h, hn, hidden);
                });
            }

            Flush(sum: false);
        }

        private static void ScalarMath()
        {
            float[] v = Data.Signal(1024, 10);
            float[] o = new float[1024];
            Console.WriteLine();
            Console.WriteLine("Elementwise math, ns per element (1024 elements per call)");
            Row("  float.Exp (generic T.Exp, scalar)", n =>
            {
                for (int i = 0; i < n; i++) for (int k = 0; k < v.Length; k++) o[k] = Exp(v[k]);
            }, perCall: 1024);
            Row("  float.Tanh (generic T.Tanh, scalar)", n =>
            {
                for (int i = 0; i < n; i++) for (int k = 0; k < v.Length; k++) o[k] = Tanh(v[k]);
            }, perCall: 1024);
            Row("  Elementwise.Sigmoid (runtime's vector path)", n =>
            {
                for (int i = 0; i < n; i++) Elementwise.Sigmoid<float>(v, o);
            }, perCall: 1024);
            Row("  Elementwise.Tanh (runtime's vector path)", n =>
            {
                for (int i = 0; i < n; i++) Elementwise.Tanh<float>(v, o);
            }, perCall: 1024);
            float[] v32 = Data.Signal(32, 11), o32 = new float[32];
            Row("  Elementwise.Tanh on 32 elements (per call)", n =>
            {
                for (int i = 0; i < n; i++) Elementwise.Tanh<float>(v32, o32);
            });
            Flush(sum: false);
        }

        private static T Exp<T>(T x) where T : IFloatingPointIeee754<T> => T.Exp(x);

        private static T Tanh<T>(T x) where T : IFloatingPointIeee754<T> => T.Tanh(x);

        /// <summary>
        /// Times every registered row: calibrates each to ~10 ms per round, warms all of them up (and waits for tiered
        /// compilation), then runs the rounds round-robin, so that a burst of load from other processes hits every row
        /// alike. Prints the best and the median round per row.
        /// </summary>
        private static void Flush(bool sum = true)
        {
            var rows = s_rows;
            if (rows.Count == 0) return;
            var iterations = new int[rows.Count];
            for (int pass = 0; pass < 2; pass++)
            {
                for (int r = 0; r < rows.Count; r++)
                {
                    var clock = Stopwatch.StartNew();
                    int n = 16;
                    rows[r].Loop(n);
                    while (clock.Elapsed.TotalSeconds < 0.05)
                    {
                        rows[r].Loop(n);
                        n *= 2;
                    }

                    iterations[r] = Math.Max(1, (int)(0.01 / (clock.Elapsed.TotalSeconds / (2 * n - 16 + 16))));
                }

                System.Threading.Thread.Sleep(300); // let the background tier-1 compiles land
            }

            int rounds = Math.Max(5, (int)(s_seconds / 0.01));
            var times = new double[rows.Count][];
            for (int r = 0; r < rows.Count; r++) times[r] = new double[rounds];
            for (int round = 0; round < rounds; round++)
            {
                for (int r = 0; r < rows.Count; r++)
                {
                    long start = Stopwatch.GetTimestamp();
                    rows[r].Loop(iterations[r]);
                    times[r][round] = (Stopwatch.GetTimestamp() - start) * 1e9 / Stopwatch.Frequency / iterations[r] / rows[r].PerCall;
                }
            }

            Console.WriteLine($"  {"",-62} {"best",8} {"median",8}");
            double sumBest = 0, sumMedian = 0;
            int parts = 0;
            for (int r = 0; r < rows.Count; r++)
            {
                Array.Sort(times[r]);
                Console.WriteLine($"  {rows[r].Name,-62} {times[r][0],8:F1} {times[r][rounds / 2],8:F1}");
                if (rows[r].Name.StartsWith("  ", StringComparison.Ordinal) && !rows[r].Name.StartsWith("   ", StringComparison.Ordinal)
                    && !rows[r].Name.Contains("sketch", StringComparison.Ordinal))
                {
                    sumBest += times[r][0];
                    sumMedian += times[r][rounds / 2];
                    parts++;
                }
            }

            if (sum && parts > 1)
            {
                Console.WriteLine($"  {"  sum of the top-level parts above",-62} {sumBest,8:F1} {sumMedian,8:F1}");
            }

            rows.Clear();
        }

        private static readonly System.Collections.Generic.List<(string Name, Action<int> Loop, int PerCall)> s_rows = new();

        /// <summary>Registers a row: <paramref name="loop"/>(n) runs the piece n times (<paramref name="perCall"/> elements each).</summary>
        private static void Row(string name, Action<int> loop, int perCall = 1) => s_rows.Add((name, loop, perCall));

        private static TDelegate? Bind<TDelegate>(Assembly asm, string typeName, string method, Type? genericArgument)
            where TDelegate : Delegate
        {
            try
            {
                Type? type = asm.GetType(typeName);
                if (type is null) return null;
                if (type.IsGenericTypeDefinition) type = type.MakeGenericType(genericArgument!);
                MethodInfo? m = type.GetMethod(method, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static);
                if (m is null) return null;
                if (m.IsGenericMethodDefinition) m = m.MakeGenericMethod(genericArgument!);
                return m.CreateDelegate<TDelegate>();
            }
            catch (Exception e) when (e is ArgumentException or AmbiguousMatchException or InvalidOperationException)
            {
                Console.WriteLine($"  ({typeName}.{method} not bound: {e.Message})");
                return null;
            }
        }
    }

    /// <summary>The generated members that expose the parameter block.</summary>
    public interface ITensors
    {
        Span<float> Parameters { get; }
    }

    public partial class W1 : ITensors { }
    public partial class Lstm128 : ITensors { }

    /// <summary>
    /// A hand-fused LSTM(1 → H) + Dense(1) step, as a floor for what the generated Step could reach: the input weight,
    /// the biases and W_hh stored transposed ([1 + H] columns of 4H gates), so the gate sums are broadcast-FMAs into
    /// eight 16-lane accumulators per 128 gates, with no reductions (H a multiple of 32); σ and tanh vectorised (the runtime's Cephes exp, 16 lanes); the dense head
    /// one dot product. Not part of the runtime: only here to put a number on the gap.
    /// </summary>
    internal sealed class FusedLstmSketch
    {
        private readonly int _h;
        private readonly float[] _columns; // [(1 + H), 4H]: column 0 = W_ih[:, 0], column 1 + k = W_hh[:, k]
        private readonly float[] _bias;    // [4H] b_ih + b_hh
        private readonly float[] _dense;   // [H] then bias
        private readonly float _denseBias;
        private readonly float[] _state;   // h [H] then c [H]
        private readonly float[] _gates;

        public FusedLstmSketch(float[] p, int hidden)
        {
            _h = hidden;
            int g = 4 * hidden, wih = 0, whh = g, bih = whh + g * hidden, bhh = bih + g, dense = bhh + g;
            _columns = new float[(1 + hidden) * g];
            for (int j = 0; j < g; j++)
            {
                _columns[j] = p[wih + j];
                for (int k = 0; k < hidden; k++) _columns[(1 + k) * g + j] = p[whh + j * hidden + k];
            }

            _bias = new float[g];
            for (int j = 0; j < g; j++) _bias[j] = p[bih + j] + p[bhh + j];
            _dense = p.AsSpan(dense, hidden).ToArray();
            _denseBias = p[dense + hidden];
            _state = new float[2 * hidden];
            _gates = new float[g];
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public unsafe float Step(float x)
        {
            int h = _h, g = 4 * h;
            fixed (float* w = _columns, b = _bias, s = _state, gates = _gates, d = _dense)
            {
                // Gate sums, 128 gates (eight 16-lane accumulators, eight independent FMA chains) at a time:
                // acc = b + x·W_ih + Σ_k h_k · W_hh[:, k], one broadcast per column.
                Vector512<float> xv = Vector512.Create(x);
                for (int j = 0; j < g; j += 128)
                {
                    float* col = w + j;
                    Vector512<float> a0 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(col), Vector512.Load(b + j));
                    Vector512<float> a1 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(col + 16), Vector512.Load(b + j + 16));
                    Vector512<float> a2 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(col + 32), Vector512.Load(b + j + 32));
                    Vector512<float> a3 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(col + 48), Vector512.Load(b + j + 48));
                    Vector512<float> a4 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(col + 64), Vector512.Load(b + j + 64));
                    Vector512<float> a5 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(col + 80), Vector512.Load(b + j + 80));
                    Vector512<float> a6 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(col + 96), Vector512.Load(b + j + 96));
                    Vector512<float> a7 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(col + 112), Vector512.Load(b + j + 112));
                    for (int k = 0; k < h; k++)
                    {
                        col += g;
                        Vector512<float> hk = Vector512.Create(s[k]);
                        a0 = Vector512.FusedMultiplyAdd(hk, Vector512.Load(col), a0);
                        a1 = Vector512.FusedMultiplyAdd(hk, Vector512.Load(col + 16), a1);
                        a2 = Vector512.FusedMultiplyAdd(hk, Vector512.Load(col + 32), a2);
                        a3 = Vector512.FusedMultiplyAdd(hk, Vector512.Load(col + 48), a3);
                        a4 = Vector512.FusedMultiplyAdd(hk, Vector512.Load(col + 64), a4);
                        a5 = Vector512.FusedMultiplyAdd(hk, Vector512.Load(col + 80), a5);
                        a6 = Vector512.FusedMultiplyAdd(hk, Vector512.Load(col + 96), a6);
                        a7 = Vector512.FusedMultiplyAdd(hk, Vector512.Load(col + 112), a7);
                    }

                    Vector512.Store(a0, gates + j);
                    Vector512.Store(a1, gates + j + 16);
                    Vector512.Store(a2, gates + j + 32);
                    Vector512.Store(a3, gates + j + 48);
                    Vector512.Store(a4, gates + j + 64);
                    Vector512.Store(a5, gates + j + 80);
                    Vector512.Store(a6, gates + j + 96);
                    Vector512.Store(a7, gates + j + 112);
                }

                // Cell: 16 units at a time.
                Vector512<float> y = Vector512<float>.Zero;
                for (int k = 0; k < h; k += 16)
                {
                    Vector512<float> i = Sigmoid(Vector512.Load(gates + k));
                    Vector512<float> f = Sigmoid(Vector512.Load(gates + h + k));
                    Vector512<float> gg = Tanh(Vector512.Load(gates + 2 * h + k));
                    Vector512<float> o = Sigmoid(Vector512.Load(gates + 3 * h + k));
                    Vector512<float> c = f * Vector512.Load(s + h + k) + i * gg;
                    Vector512.Store(c, s + h + k);
                    Vector512<float> hk = o * Tanh(c);
                    Vector512.Store(hk, s + k);
                    y = Vector512.FusedMultiplyAdd(hk, Vector512.Load(d + k), y);
                }

                return Vector512.Sum(y) + _denseBias;
            }
        }

        // The runtime's FloatMath (Cephes expf/tanhf), 16 lanes.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> Exp(Vector512<float> x)
        {
            Vector512<float> xc = Vector512.Min(Vector512.Max(x, Vector512.Create(-104f)), Vector512.Create(88.8f));
            Vector512<float> magic = Vector512.Create(12582912f);
            Vector512<float> fn = (xc * Vector512.Create(1.44269504088896341f) + magic) - magic;
            Vector512<float> r = xc - fn * Vector512.Create(0.693359375f);
            r -= fn * Vector512.Create(-2.12194440e-4f);
            Vector512<float> r2 = r * r;
            Vector512<float> poly = Vector512.Create(1.9875691500e-4f);
            poly = poly * r + Vector512.Create(1.3981999507e-3f);
            poly = poly * r + Vector512.Create(8.3334519073e-3f);
            poly = poly * r + Vector512.Create(4.1665795894e-2f);
            poly = poly * r + Vector512.Create(1.6666665459e-1f);
            poly = poly * r + Vector512.Create(5.0000001201e-1f);
            Vector512<float> e = poly * r2 + r + Vector512<float>.One;
            Vector512<int> n = Vector512.ConvertToInt32(fn);
            Vector512<int> n1 = Vector512.ShiftRightArithmetic(n, 1);
            Vector512<int> bias = Vector512.Create(127);
            e *= Vector512.ShiftLeft(n1 + bias, 23).AsSingle();
            e *= Vector512.ShiftLeft(n - n1 + bias, 23).AsSingle();
            return e;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> Sigmoid(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + Exp(-x));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> Tanh(Vector512<float> x)
        {
            Vector512<float> z = Vector512.Abs(x);
            Vector512<float> e = Exp(z + z);
            Vector512<float> large = Vector512<float>.One - Vector512.Create(2f) / (e + Vector512<float>.One);
            large = (large.AsInt32() | (x.AsInt32() & Vector512.Create(int.MinValue))).AsSingle();
            Vector512<float> sq = x * x;
            Vector512<float> poly = Vector512.Create(-5.70498872745e-3f);
            poly = poly * sq + Vector512.Create(2.06390887954e-2f);
            poly = poly * sq + Vector512.Create(-5.37397155531e-2f);
            poly = poly * sq + Vector512.Create(1.33314422036e-1f);
            poly = poly * sq + Vector512.Create(-3.33332819422e-1f);
            Vector512<float> small = poly * sq * x + x;
            return Vector512.ConditionalSelect(Vector512.LessThan(z, Vector512.Create(0.625f)), small, large);
        }
    }
}
