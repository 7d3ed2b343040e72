using Relay.Hosting.Http;
using Relay.Server;
using Relay.Server.Audit;
using Relay.Server.Auth;
using Relay.Server.Clients;
using Relay.Server.Credentials;
using Relay.Server.Dashboard;
using Relay.Server.Database;
using Relay.Server.Delivery;
using Relay.Server.Import;
using Relay.Server.Messages;
using Relay.Server.Observability;
using Relay.Server.Operations;
using Relay.Server.Outbox;
using Relay.Server.Personnel;
using Relay.Server.Queue;
using Relay.Server.Seed;
using Relay.Server.Verification;

if (HealthProbe.IsProbe(args))
{
    return await HealthProbe.RunAsync(args);
}

// Settings files live beside the binary, whatever directory the daemon is started from.
var builder = WebApplication.CreateBuilder(
    new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory }
);

builder.AddRelayHttp();
builder.AddApiKeyAuth();
builder.AddRelayDatabase();
builder.AddCredentials();
builder.AddSeed();
builder.AddOutbox();
builder.AddQueue();
builder.AddMessages();
builder.AddOperations();
builder.AddAudit();
builder.AddPersonnel();
builder.AddImport();
builder.AddVerification();
builder.AddDelivery();
builder.AddObservability();

var app = builder.BuildWithValidSettings(SettingSections.All);

app.UseRelayHttp();
app.MapAbout();
app.MapDashboard();
app.MapClients();
app.MapCredentials();
app.MapAudit();
app.MapImport();
app.MapPersonnel();
app.MapOperations();
app.MapOperationStatus();
app.MapMessages();
app.MapVerification();
app.MapObservability();

return await app.RunUntilStoppedAsync();

public partial class Program;
