using Ainur.Gateway.Hosting;

var app = await GatewayApp.BuildAsync(args);
await app.RunAsync();
