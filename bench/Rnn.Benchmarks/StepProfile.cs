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
    /// Where the time of one streaming Step goes: the generated Step next to the pieces it runs, timed alone on the same
    /// sizes and data (Stopwatch loops, round-robin, median of rounds): the argument checks, the recurrent layer's Step,
    /// the fused step kernel alone (<c>StreamingCells</c>: gate sums and cell update over block-packed weights), the dense
    /// head and the output copy, and the vectorised activations per element. Internal runtime pieces are reached by
    /// reflection as delegates, which adds about a nanosecond per call to those rows.
    /// </summary>
    /// <remarks>Usage: <c>profile [--seconds S]</c> (S = time per row, default 0.5).</remarks>
    public static class StepProfile
    {
        private delegate void PackFn(ReadOnlySpan<float> wih, ReadOnlySpan<float> whh, ReadOnlySpan<float> bih, ReadOnlySpan<float> bhh, int n, int h, Span<float> packed);

        private delegate int SizeFn(int n, int h);

        private delegate void LstmStepFn(ReadOnlySpan<float> packed, ReadOnlySpan<float> x, int n, int hidden, Span<float> c, Span<float> h, Span<float> scratch);

        private delegate void GruStepFn(ReadOnlySpan<float> packed, ReadOnlySpan<float> x, int n, int hidden, Span<float> h, Span<float> scratch);

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
            Profile("W1: LSTM(1 → 32) + Dense(1)", new W1(seed: 1), CellType.Lstm, hidden: 32);
            Profile("GRU(1 → 32) + Dense(1)", new Gru32(seed: 1), CellType.Gru, hidden: 32);
            Profile("LSTM(1 → 128) + Dense(1)", new Lstm128(seed: 1), CellType.Lstm, hidden: 128);
            ScalarMath();
            return 0;
        }

        private static void Profile(string title, IStreamingModel model, CellType cell, int hidden)
        {
            int g = (cell == CellType.Lstm ? 4 : 3) * hidden;
            float[] parameters = ((ITensors)model).Parameters.ToArray();
            int wih = 0, whh = g, bih = whh + g * hidden, bhh = bih + g, dense = bhh + g;
            float[] x = { 0.25f }, y = new float[1], h = Data.Signal(hidden, 3), sy = new float[1];
            for (int k = 0; k < hidden; k++) h[k] *= 0.5f;
            var block = new RecurrentBlock<float>(cell, 1, hidden, 1, 1, Merge.Concat, 0);
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
            Row("  RecurrentBlock.Step (the recurrent layer)", n => { for (int i = 0; i < n; i++) block.Step(parameters, 0, x); });
            Row(" (the generated Step's calls, on the profile's own buffers)", n =>
            {
                for (int i = 0; i < n; i++)
                {
                    Guard.Size(x.Length, 1, "x", "[InputSize]");
                    Guard.Size(y.Length, 1, "y", "[OutputSize]");
                    var hNew = block.Step(parameters, 0, x);
                    DenseLayer.Forward<float>(parameters, dense, hidden, 1, Activation.Linear, hNew, 1, y);
                }
            });
            Row(" (RecurrentBlock.Step, then the dense head on its output)", n =>
            {
                for (int i = 0; i < n; i++)
                {
                    var hNew = block.Step(parameters, 0, x);
                    DenseLayer.Forward<float>(parameters, dense, hidden, 1, Activation.Linear, hNew, 1, sy);
                }
            });

            const string kernels = "Rnn.Kernels.StreamingCells";
            string name = cell == CellType.Lstm ? "Lstm" : "Gru";
            var size = Bind<SizeFn>(asm, kernels, name + "Size", null);
            var pack = Bind<PackFn>(asm, kernels, "Pack" + name, null);
            var width = asm.GetType(kernels)?.GetProperty("Width", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as int? ?? 0;
            if (size is not null && pack is not null && width != 0 && hidden % width == 0)
            {
                var packed = Aligned(size(1, hidden));
                pack(parameters.AsSpan(wih, g), parameters.AsSpan(whh, g * hidden), parameters.AsSpan(bih, g), parameters.AsSpan(bhh, g), 1, hidden, packed.Span);
                float[] c = new float[hidden], hState = (float[])h.Clone(), scratch = new float[hidden];
                if (cell == CellType.Lstm && Bind<LstmStepFn>(asm, kernels, "Lstm", null) is { } lstm)
                    Row($"    StreamingCells.Lstm alone (sums + cell, groups of 2 × {width} units)", n => { for (int i = 0; i < n; i++) lstm(packed.Span, x, 1, hidden, c, hState, scratch); });
                if (cell == CellType.Gru && Bind<GruStepFn>(asm, kernels, "Gru", null) is { } gru)
                    Row($"    StreamingCells.Gru alone (sums + cell, groups of 2 × {width} units)", n => { for (int i = 0; i < n; i++) gru(packed.Span, x, 1, hidden, hState, scratch); });
            }

            Row($"  DenseLayer.Forward {hidden} → 1 (one dot product)", n =>
            {
                for (int i = 0; i < n; i++) DenseLayer.Forward<float>(parameters, dense, hidden, 1, Activation.Linear, h, 1, sy);
            });
            Flush();
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
                if (rows[r].Name.StartsWith("  ", StringComparison.Ordinal) && !rows[r].Name.StartsWith("   ", StringComparison.Ordinal))
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

        /// <summary>A float array of <paramref name="length"/> starting on a 64-byte boundary, as the library packs its streaming weights.</summary>
        private static Memory<float> Aligned(int length)
        {
            float[] array = GC.AllocateArray<float>(length + 16, pinned: true);
            unsafe
            {
                fixed (float* p = array) return array.AsMemory((int)((64 - ((nint)p & 63)) & 63) / sizeof(float), length);
            }
        }

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
    public partial class Gru32 : ITensors { }
    public partial class Lstm128 : ITensors { }
}
