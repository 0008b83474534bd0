namespace Ainur.LoadTests.Tools;

/// <summary>
/// The load tools' commands, which need no PostgreSQL of their own (unlike the benchmarks):
///   grain-load [--scenario register,transfers,tasks|all] [--seconds N] [--warmup N] [--concurrency C] [--agents N] [--out FILE]
///              [--gateway-port P] [--cluster-id ID] [--service-id ID] | [--postgres CONNECTION] [--funder-key FILE]
///   http-load  [--target URL] [--scenario …] [--seconds N] [--warmup N] [--concurrency C] [--agents N] [--out FILE] [--silos N] [--funder-key FILE]
///   render [--no-scaling] FILE… (Markdown tables on stdout)
/// </summary>
internal static class ToolCommands
{
    public static bool Handles(string command) => command is "grain-load" or "http-load" or "render";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new ToolOptions(args);
        switch (args[0])
        {
            case "grain-load":
                return await GrainLoadTool.RunAsync(options);
            case "http-load":
                return await HttpLoadTool.RunAsync(options);
            default:
                if (args.Length < 2)
                {
                    Console.Error.WriteLine("usage: Ainur.LoadTests render RESULTS.json…");
                    return 2;
                }

                var noScaling = args.Contains("--no-scaling");
                Console.Write(BenchmarkTables.Render([.. args.Skip(1).Where(a => a != "--no-scaling").Select(ResultsFile.Read)], !noScaling));
                return 0;
        }
    }
}
