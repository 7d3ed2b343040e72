namespace Relay.Server.Messages;

internal static class MessagesSetup
{
    public static void AddMessages(this WebApplicationBuilder builder) =>
        builder.Services.AddSingleton<FailedMessages>();
}
