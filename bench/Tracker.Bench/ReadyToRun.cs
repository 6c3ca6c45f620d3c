using System.Diagnostics;
using Tracker.Testing;

namespace Tracker.Bench;

/// <summary>ReadyToRun publishes for the start-up benchmarks: precompiled code for linux-x64, the JIT then only tiers up hot methods.</summary>
public static class ReadyToRun
{
    /// <summary>Publishes <paramref name="project"/> (a path under the repository) for linux-x64 with ReadyToRun into artifacts/<paramref name="output"/>; returns its main dll.</summary>
    public static string Publish(string project, string output, string dll)
    {
        var root = RepoRoot.Find();
        var directory = Path.Combine(root, "artifacts", output);
        using var publish = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                "publish", Path.Combine(root, project), "-c", "Release", "-r", "linux-x64", "--self-contained", "false",
                "-p:PublishReadyToRun=true", "-o", directory, "-nologo", "-v", "quiet",
            },
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException("dotnet publish did not start");
        publish.StandardOutput.ReadToEnd();
        publish.WaitForExit();
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish {project} -r linux-x64 (ReadyToRun) failed");
        }
        return Path.Combine(directory, dll);
    }
}
