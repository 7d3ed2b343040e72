using Relay.Client;
using Relay.Client.Inbox;
using Relay.Client.Personnel;
using Relay.Client.Storage;

// Settings files live beside the binary, whatever directory the daemon is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

builder.AddClientOptions();
builder.AddStorage();
builder.AddInbox();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapPersonnel();
app.MapHealthChecks("/health");

app.Run();
