using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using Rnn;

namespace Rnn.Package.Tests
{
    /// <summary>
    /// `dotnet pack` makes one RnnGen package that a fresh app, referencing nothing else, builds with warnings as errors:
    /// it declares and trains a bidirectional LSTM, and bakes trained weights into its assembly with [Weights].
    /// </summary>
    public sealed class PackageTests : IClassFixture<PackageFeed>
    {
        private readonly PackageFeed _feed;
        private readonly Xunit.Abstractions.ITestOutputHelper _log;

        public PackageTests(PackageFeed feed, Xunit.Abstractions.ITestOutputHelper log)
        {
            _feed = feed;
            _log = log;
            Assert.True(feed.Pack.ExitCode == 0, feed.Pack.ToString());
            Assert.True(File.Exists(feed.Package), "No " + feed.Package + "\n" + feed.Pack);
        }

        private static string Csproj(string version, string extra = "") => $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="RnnGen" Version="{version}" />
              </ItemGroup>{extra}
            </Project>
            """;

        // ── the package itself ─────────────────────────────────────────────

        [Fact]
        public void Package_holds_runtime_and_attributes_as_libraries_the_generator_as_an_analyzer_and_metadata()
        {
            using var zip = ZipFile.OpenRead(_feed.Package);
            var files = zip.Entries.Select(e => e.FullName)
                .Where(n => !n.StartsWith("_rels/", StringComparison.Ordinal) && !n.StartsWith("package/", StringComparison.Ordinal) && n != "[Content_Types].xml")
                .OrderBy(n => n, StringComparer.Ordinal).ToList();
            Assert.Equal(new[]
            {
                "LICENSE", "README.md", "RnnGen.nuspec",
                "analyzers/dotnet/cs/Rnn.Generators.dll",
                "build/RnnGen.targets", "buildTransitive/RnnGen.targets",
                "lib/net8.0/Rnn.Attributes.dll", "lib/net8.0/Rnn.Attributes.xml",
                "lib/net8.0/Rnn.Runtime.dll", "lib/net8.0/Rnn.Runtime.xml",
            }, files);

            using var nuspecStream = zip.GetEntry("RnnGen.nuspec")!.Open();
            var nuspec = XDocument.Load(nuspecStream);
            XNamespace ns = nuspec.Root!.Name.Namespace;
            var metadata = nuspec.Root.Element(ns + "metadata")!;
            string Meta(string name) => metadata.Element(ns + name)?.Value ?? "";
            Assert.Equal("RnnGen", Meta("id"));
            Assert.Equal(_feed.Version, Meta("version"));
            Assert.Equal("RnnGen contributors", Meta("authors"));
            Assert.Equal("MIT", Meta("license"));
            Assert.Equal("expression", metadata.Element(ns + "license")!.Attribute("type")!.Value);
            Assert.Equal("README.md", Meta("readme"));
            Assert.Equal("https://github.com/rnngen/rnngen", Meta("projectUrl"));
            Assert.Equal("https://github.com/rnngen/rnngen", metadata.Element(ns + "repository")!.Attribute("url")!.Value);
            Assert.Contains("source-generator", Meta("tags"));
            Assert.Contains("Recurrent neural networks", Meta("description"));
            Assert.Contains("MIT License", new StreamReader(zip.GetEntry("LICENSE")!.Open()).ReadToEnd());
            Assert.Contains("RnnGen contributors", new StreamReader(zip.GetEntry("LICENSE")!.Open()).ReadToEnd());

            // One dependency, the runtime's; Roslyn (the generator's) stays out: the compiler provides it.
            var dependencies = metadata.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value + " " + d.Attribute("version")!.Value).ToList();
            Assert.Equal(new[] { "System.Numerics.Tensors " + TensorsVersion() }, dependencies);
            Assert.Equal("net8.0", metadata.Descendants(ns + "group").Single().Attribute("targetFramework")!.Value);

            // The runtime in the package says it is trimmable (IsTrimmable=true writes the metadata that ILLink and ILC read).
            using var runtime = new MemoryStream();
            using (var s = zip.GetEntry("lib/net8.0/Rnn.Runtime.dll")!.Open()) s.CopyTo(runtime);
            Assert.Contains(("IsTrimmable", "True"), AssemblyMetadata(runtime.ToArray()));
        }

        private static string TensorsVersion()
        {
            var props = XDocument.Load(Path.Combine(PackageFeed.RepositoryRoot(), "Directory.Build.props"));
            return props.Descendants("SystemNumericsTensorsVersion").Single().Value;
        }

        private static List<(string, string)> AssemblyMetadata(byte[] image)
        {
            using var pe = new PEReader(new MemoryStream(image));
            var reader = pe.GetMetadataReader();
            var result = new List<(string, string)>();
            foreach (var handle in reader.GetAssemblyDefinition().GetCustomAttributes())
            {
                var attribute = reader.GetCustomAttribute(handle);
                if (attribute.Constructor.Kind != HandleKind.MemberReference) continue;
                var ctor = reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor);
                if (ctor.Parent.Kind != HandleKind.TypeReference) continue;
                if (reader.GetString(reader.GetTypeReference((TypeReferenceHandle)ctor.Parent).Name) != "AssemblyMetadataAttribute") continue;
                var blob = reader.GetBlobReader(attribute.Value);
                blob.ReadUInt16();   // prolog
                result.Add((blob.ReadSerializedString() ?? "", blob.ReadSerializedString() ?? ""));
            }
            return result;
        }

        // ── a fresh app that trains ───────────────────────────────────────

        private const string TrainingApp = """
            using Rnn;

            // A synthetic many-to-one task: from 12 steps of two features, predict mean(x0) − ½·x1 at the first step
            // (the reverse direction sees step 0 last, the forward direction sums the sequence).
            const int Batch = 32, Steps = 12, AdamSteps = 50;
            var random = new Random(5);
            float[] inputs = new float[Batch * Steps * 2], targets = new float[Batch];
            float[] heldInputs = new float[Batch * Steps * 2], heldTargets = new float[Batch];
            void Draw(float[] x, float[] y)
            {
                for (int b = 0; b < Batch; b++)
                {
                    float sum = 0;
                    for (int t = 0; t < Steps; t++)
                    {
                        x[(b * Steps + t) * 2] = 2 * random.NextSingle() - 1;
                        x[(b * Steps + t) * 2 + 1] = 2 * random.NextSingle() - 1;
                        sum += x[(b * Steps + t) * 2];
                    }
                    y[b] = sum / Steps - 0.5f * x[b * Steps * 2 + 1];
                }
            }
            Draw(heldInputs, heldTargets);

            var model = new BiLstm(seed: 1);
            var adam = new Adam(learningRate: 1e-2f);
            float before = model.Evaluate(heldInputs, Batch, heldTargets), first = 0, loss = 0;
            for (int step = 0; step < AdamSteps; step++)
            {
                Draw(inputs, targets);
                model.ZeroGradients();
                loss = model.Backward(inputs, Batch, targets);
                Gradients.ClipByNorm(model.Gradients, 1f);
                adam.Step(model.Parameters, model.Gradients);
                if (step == 0) first = loss;
            }
            float after = model.Evaluate(heldInputs, Batch, heldTargets);
            var outputs = new float[Batch];
            model.Forward(heldInputs, Batch, outputs);
            Console.WriteLine($"parameters {model.ParameterCount}");
            Console.WriteLine($"train mse {first:F5} -> {loss:F5}");
            Console.WriteLine($"held-out mse {before:F5} -> {after:F5}");
            Console.WriteLine($"prediction {outputs[0]:F3} for target {heldTargets[0]:F3}");
            return after < before * 0.5f && loss < first ? 0 : 1;

            [RnnModel(Input = 2, Returns = Returns.Last)]
            [Bidirectional]
            [Lstm(16)]
            [Dense(1)]
            public partial class BiLstm { }
            """;

        [Fact]
        public void A_fresh_app_with_only_the_package_trains_a_bidirectional_lstm_for_50_adam_steps()
        {
            string folder = _feed.NewProjectFolder("BiLstmApp");
            File.WriteAllText(Path.Combine(folder, "BiLstmApp.csproj"), Csproj(_feed.Version));
            File.WriteAllText(Path.Combine(folder, "Program.cs"), TrainingApp);

            var build = Dotnet.Run(folder, PackageFeed.Timeout, "build", "-c", "Release", "--disable-build-servers");
            Assert.True(build.ExitCode == 0, build.ToString());
            Assert.Contains("0 Warning(s)", build.Output);
            var run = Dotnet.Run(folder, PackageFeed.Timeout, "run", "-c", "Release", "--no-build");
            _log.WriteLine(run.ToString());
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("parameters 2593", run.Output);   // 2 directions × 4·16·(2 + 16 + 2) + Dense(32 → 1): 2560 + 33
            Assert.Contains("held-out mse", run.Output);

            // The generator ran as an analyzer and brought nothing of Roslyn into the app.
            string bin = Path.Combine(folder, "bin", "Release", "net10.0");
            Assert.True(File.Exists(Path.Combine(bin, "Rnn.Runtime.dll")));
            Assert.True(File.Exists(Path.Combine(bin, "Rnn.Attributes.dll")));
            Assert.False(File.Exists(Path.Combine(bin, "Rnn.Generators.dll")), "the generator must not be a reference of the app");
            Assert.Empty(Directory.GetFiles(bin, "Microsoft.CodeAnalysis*"));
            string assets = File.ReadAllText(Path.Combine(folder, "obj", "project.assets.json"));
            Assert.DoesNotContain("Microsoft.CodeAnalysis", assets, StringComparison.Ordinal);
        }

        // ── a fresh app that bakes weights in ────────────────────────────

        private const string WeightsApp = """
            using System.Globalization;
            using Rnn;

            namespace WeightsApp;

            [RnnModel(Input = 1)]
            [Lstm(4)]
            [Dense(1)]
            #if BROKEN
            [Weights("undeclared.safetensors")]
            #else
            [Weights("tiny.safetensors")]
            #endif
            public partial class Tiny { }

            #if BROKEN
            [RnnModel(Input = 1)]
            [Lstm(4)]
            [Dense(1)]
            [Weights("absent.safetensors")]
            public partial class Absent { }
            #endif

            [RnnModel(Input = 1)]
            [Lstm(4)]
            [Dense(1)]
            [Weights("wrong.safetensors")]          // embedded, but saved from an Lstm(5)
            public partial class Wrong { }

            public static class Program
            {
                public static int Main()
                {
                    var model = Tiny.FromEmbeddedWeights();
                    Span<float> y = stackalloc float[1];
                    for (int t = 0; t < 8; t++)
                    {
                        model.Step(new[] { MathF.Sin(0.7f * t) }, y);
                        Console.WriteLine("y " + y[0].ToString("R", CultureInfo.InvariantCulture));
                    }
                    try
                    {
                        Wrong.FromEmbeddedWeights();
                        Console.WriteLine("wrong weights loaded");
                        return 1;
                    }
                    catch (InvalidDataException e)
                    {
                        Console.WriteLine("wrong: " + e.Message);
                    }
                    return 0;
                }
            }
            """;

        private const string WeightsItems = """

              <PropertyGroup>
                <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
              </PropertyGroup>
              <ItemGroup>
                <RnnGenWeights Include="weights/tiny.safetensors" />
                <RnnGenWeights Include="wrong.safetensors" />
                <RnnGenWeights Include="weights/absent.safetensors" />
              </ItemGroup>
            """;

        [Fact]
        public void A_fresh_app_bakes_weights_into_its_assembly_and_undeclared_or_missing_files_are_RNN0027()
        {
            string folder = _feed.NewProjectFolder("WeightsApp");
            File.WriteAllText(Path.Combine(folder, "WeightsApp.csproj"), Csproj(_feed.Version, WeightsItems));
            File.WriteAllText(Path.Combine(folder, "Program.cs"), WeightsApp);
            Directory.CreateDirectory(Path.Combine(folder, "weights"));
            var trained = new Tiny(seed: 11);
            trained.SaveSafetensors(Path.Combine(folder, "weights", "tiny.safetensors"));
            new Tiny5(seed: 2).SaveSafetensors(Path.Combine(folder, "wrong.safetensors"));

            // Compile-time errors: a file the project does not declare, and one it declares that does not exist.
            var broken = Dotnet.Run(folder, PackageFeed.Timeout, "build", "-c", "Release", "-p:DefineConstants=BROKEN", "--disable-build-servers");
            _log.WriteLine(string.Join("\n", broken.Output.Split('\n').Where(l => l.Contains("RNN0027", StringComparison.Ordinal)).Distinct()));
            Assert.True(broken.ExitCode != 0, broken.ToString());
            Assert.Contains("error RNN0027: [Weights(\"undeclared.safetensors\")] on 'Tiny' names a file the project does not embed: add <RnnGenWeights Include=\"undeclared.safetensors\" />", broken.Output);
            Assert.Contains("error RNN0027: [Weights(\"absent.safetensors\")] on 'Absent' names a file that does not exist (" + Path.Combine(folder, "weights", "absent.safetensors") + ")", broken.Output);
            Assert.DoesNotContain("error CS", broken.Output);   // RNN0027 is the only error: the models themselves are generated

            var build = Dotnet.Run(folder, PackageFeed.Timeout, "build", "-c", "Release", "--disable-build-servers");
            Assert.True(build.ExitCode == 0, build.ToString());
            Assert.Contains("0 Warning(s)", build.Output);

            // EmitCompilerGeneratedFiles puts the generated sources where docs/generated-code.md says.
            string generated = Path.Combine(folder, "obj", "Release", "net10.0", "generated", "Rnn.Generators", "Rnn.Generators.RnnModelGenerator");
            Assert.True(File.Exists(Path.Combine(generated, "WeightsApp.Tiny.g.cs")), "missing " + generated + "/WeightsApp.Tiny.g.cs");
            Assert.Contains("LoadEmbeddedWeights()", File.ReadAllText(Path.Combine(generated, "WeightsApp.Tiny-weights.g.cs")));

            // The weights are in the assembly: delete the files and run from another folder.
            File.Delete(Path.Combine(folder, "weights", "tiny.safetensors"));
            File.Delete(Path.Combine(folder, "wrong.safetensors"));
            var run = Dotnet.Run(_feed.Root, PackageFeed.Timeout, Path.Combine(folder, "bin", "Release", "net10.0", "WeightsApp.dll"));
            _log.WriteLine(run.ToString());
            Assert.True(run.ExitCode == 0, run.ToString());
            var outputs = run.Output.Split('\n').Where(l => l.StartsWith("y ", StringComparison.Ordinal))
                .Select(l => float.Parse(l.Substring(2), CultureInfo.InvariantCulture)).ToArray();
            Span<float> y = stackalloc float[1];
            Assert.Equal(8, outputs.Length);
            for (int t = 0; t < 8; t++)
            {
                trained.Step(new[] { MathF.Sin(0.7f * t) }, y);
                Assert.Equal(y[0], outputs[t], 1e-6f);
            }
            Assert.Contains("wrong: The embedded weights 'RnnGen.Weights.wrong.safetensors' do not fit Wrong: Tensor 'recurrent.weight_ih_l0' has shape [20, 1], but the model expects [16, 1]", run.Output);
        }
    }

    /// <summary>The consumer's Tiny, declared here too, makes the weights it embeds.</summary>
    [RnnModel(Input = 1)]
    [Lstm(4)]
    [Dense(1)]
    internal partial class Tiny { }

    /// <summary>A model of other shapes, whose weights do not fit Tiny.</summary>
    [RnnModel(Input = 1)]
    [Lstm(5)]
    [Dense(1)]
    internal partial class Tiny5 { }
}
