using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ainur.LoadTests.Tools;

/// <summary>The machine a run was measured on.</summary>
internal sealed record MachineInfo(string Cpu, int Cores, string Os, string DotNet, bool ServerGc);

/// <summary>
/// A load tool's results file: what ran (tool, target, silos serving it, command, date, git commit, machine) and one
/// entry per scenario. BENCHMARKS.md tables are rendered from these files (<see cref="BenchmarkTables"/>).
/// </summary>
internal sealed record ResultsFile(
    string Tool,
    string Target,
    int? Silos,
    string Command,
    DateTimeOffset Date,
    string GitCommit,
    MachineInfo Machine,
    IReadOnlyList<ScenarioResult> Scenarios)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public async Task WriteAsync(string path)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(this, Json) + Environment.NewLine);
    }

    public static ResultsFile Read(string path) =>
        JsonSerializer.Deserialize<ResultsFile>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} holds no results.");
}
