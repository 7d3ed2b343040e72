using Relay.Hosting.Http;

namespace Relay.Server.Delivery;

internal static class DeliverySetup
{
    public static void AddDelivery(this WebApplicationBuilder builder)
    {
        builder
            .Services.AddOptions<DeliveryOptions>()
            .BindConfiguration(DeliveryOptions.Section)
            .ValidateEveryRule()
            .ValidateOnStart();
        builder.Services.AddSingleton<DeliveryPipelines>();
        builder.Services.AddSingleton<ClientLeases>();
        builder.Services.AddSingleton<ClientLinks>();
        builder.Services.AddSingleton<ClientContacts>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ClientContacts>());
        builder.Services.AddSingleton<ClientPositions>();
        builder.Services.AddSingleton<LiveLinks>();
        builder.Services.AddHostedService<DeliveryService>();
        builder.Services.AddHostedService<CredentialWatch>();
    }
}
