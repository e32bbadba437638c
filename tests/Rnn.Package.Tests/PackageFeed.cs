using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace Rnn.Package.Tests
{
    /// <summary>
    /// Packs src/RnnGen once into a temporary folder feed under a version no other run uses (so a package cached by an
    /// earlier run cannot stand in for this one), and removes the feed, the consumers and that version from the
    /// global packages folder afterwards.
    /// </summary>
    public sealed class PackageFeed : IDisposable
    {
        public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

        public PackageFeed()
        {
            Root = Path.Combine(Path.GetTempPath(), "rnngen-package-tests-" + Guid.NewGuid().ToString("N"));
            Feed = Path.Combine(Root, "feed");
            Directory.CreateDirectory(Feed);
            Version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture) + "." + Environment.ProcessId;
            Pack = Dotnet.Run(RepositoryRoot(), Timeout, "pack", Path.Combine("src", "RnnGen", "RnnGen.csproj"),
                "-c", "Release", "-o", Feed, "-p:PackageVersion=" + Version, "--disable-build-servers");
            Package = Path.Combine(Feed, "RnnGen." + Version + ".nupkg");
        }

        public string Root { get; }

        public string Feed { get; }

        public string Version { get; }

        public Dotnet.Result Pack { get; }

        public string Package { get; }

        public static string RepositoryRoot([CallerFilePath] string path = "") =>
            Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", ".."));

        /// <summary>A new empty folder for a consumer project, outside the repository (no Directory.Build.props applies).</summary>
        public string NewProjectFolder(string name)
        {
            string folder = Path.Combine(Root, name);
            Directory.CreateDirectory(folder);
            // The folder feed, plus the sources the user's NuGet configuration already has (nuget.org).
            File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="rnngen-local-feed" value="{Feed}" />
                  </packageSources>
                </configuration>
                """);
            return folder;
        }

        public void Dispose()
        {
            try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
                ? p : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            string cached = Path.Combine(packages, "rnngen", Version.ToLowerInvariant());
            try { if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
