using Ainur.Cli;

return await AinurCli.InvokeAsync(args, CliContext.FromProcess());
