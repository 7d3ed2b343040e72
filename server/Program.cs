using Relay.Contracts.Http;
using Relay.Server.Auth;
using Relay.Server.Clients;
using Relay.Server.Database;
using Relay.Server.Delivery;
using Relay.Server.Http;
using Relay.Server.Observability;
using Relay.Server.Operations;
using Relay.Server.Outbox;
using Relay.Server.Personnel;
using Relay.Server.Verification;

// Settings files live beside the binary, whatever directory the daemon is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

builder.AddRelayHttp();
builder.AddApiKeyAuth();
builder.AddRelayDatabase();
builder.AddOutbox();
builder.AddPersonnel();
builder.AddVerification();
builder.AddDelivery();
builder.AddObservability();

var app = builder.BuildWithValidSettings();

app.UseRelayHttp();
app.MapClients();
app.MapPersonnel();
app.MapOperations();
app.MapOperationStatus();
app.MapMessages();
app.MapVerification();
app.MapObservability();

app.Run();

public partial class Program;
