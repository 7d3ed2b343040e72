using Relay.Server.Outbox;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Relay.Server.Operations;

internal static class OperationsSetup
{
    /// <summary>Queuing operations (through the outbox), where they stand, and waiting on them.</summary>
    public static void AddOperations(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OperationProgress>();
        builder.Services.AddSingleton<OperationWaiter>();
        builder.Services.AddSingleton<OperationQueue>();
        builder.Services.AddSingleton<OperationPreviews>();
        builder.Services.ConfigureSwaggerGen(o => o.OperationFilter<DryRunAnswerFilter>());
        builder.Services.AddSingleton<IRetentionJob, OperationRetention>();
    }
}
