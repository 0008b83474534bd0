using System.Reflection;

namespace Ainur.Testing.Processes;

/// <summary>The built entry assemblies of Ainur's processes, found from the test's own output folder.</summary>
public static class BuiltNode
{
    /// <summary>The configuration these helpers were built with (Debug or Release); the nodes are expected in the same one.</summary>
    public static string Configuration { get; } =
        typeof(BuiltNode).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration is { Length: > 0 } configuration
            ? configuration
            : "Debug";

    /// <summary>The repository root: the nearest folder above the test binaries that holds Ainur.sln.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary><c>Gateway/bin/&lt;Configuration&gt;/net10.0/Ainur.Gateway.dll</c>.</summary>
    public static string Gateway => Locate("Gateway", "Ainur.Gateway.dll");

    /// <summary><c>Silo/bin/&lt;Configuration&gt;/net10.0/Ainur.Silo.dll</c>.</summary>
    public static string Silo => Locate("Silo", "Ainur.Silo.dll");

    private static string Locate(string project, string dll)
    {
        var path = Path.Combine(RepositoryRoot, project, "bin", Configuration, "net10.0", dll);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException(
                $"{dll} is not built at {path}. Build it first (`dotnet build {project} -c {Configuration}`); the test project references it, so building the tests does.", path);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ainur.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Ainur.sln above {AppContext.BaseDirectory}.");
    }
}
