using System.CommandLine;

namespace Ainur.Cli.Commands;

/// <summary><c>ainur module upload</c>: store a WebAssembly module on the gateway (signed <c>PUT /v1/modules</c>).</summary>
internal static class ModuleCommands
{
    public static Command Create(CliContext context) => new("module", "Upload hosted WebAssembly modules.") { Upload(context) };

    private static Command Upload(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "The module's binary (.wasm)." };
        var keyOption = KeyCommands.KeyOption();
        var gateway = GatewayOutput.GatewayOption();
        var json = AinurCli.JsonOption();
        var command = new Command("upload", "Upload a module; prints its hash, the moduleHash a wasm agent's manifest names.")
        {
            file, keyOption, gateway, json,
        };
        command.SetAction((parse, ct) => AinurCli.RunAsync(context, async () =>
        {
            var path = parse.GetValue(file)!;
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(path, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException(ExitCodes.Input, $"error: cannot read {path}: {e.Message}");
            }

            using var key = KeyCommands.Load(context, parse.GetValue(keyOption));
            using var client = GatewayClient.Create(context, parse.GetValue(gateway));
            var response = await client.SendSignedAsync(HttpMethod.Put, "v1/modules", bytes, "application/wasm", key, ct);
            return await GatewayOutput.ReportAsync(context, response, parse.GetValue(json), view =>
                $"{(response.Status == System.Net.HttpStatusCode.Created ? "stored" : "already stored")}: {view["hash"]} ({view["size"]} bytes)");
        }));
        return command;
    }
}
