using Relay.Client.Http;
using Relay.Client.Inbox;
using Relay.Client.Observability;
using Relay.Client.Personnel;
using Relay.Client.Settings;
using Relay.Client.Storage;
using Relay.Hosting.Http;
using Relay.Hosting.OpenApi;
using Relay.Hosting.Tracing;

if (HealthProbe.IsProbe(args))
{
    return await HealthProbe.RunAsync(args);
}

// Settings files live beside the binary, whatever directory the daemon is started from.
var builder = WebApplication.CreateBuilder(
    new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory }
);

builder.AddClientOptions();
builder.Services.AddRequestProblems();
builder.Services.AddClientJson();
builder.Services.AddValidation();
builder.AddClientApiDocs();
builder.AddStorage();
builder.AddInbox();
builder.AddObservability();

var app = builder.BuildWithValidSettings(ClientOptionsSetup.Sections);

app.UseRequestProblems();
app.UseApiDocs();
app.UseClientAuth();
app.UseKnownQueryParameters();
app.MapAbout();
app.MapPersonnel();
app.MapObservability();
app.LogListeners();

return await app.RunUntilStoppedAsync();
