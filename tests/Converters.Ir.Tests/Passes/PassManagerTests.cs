using Converters.Ir.Diagnostics;
using Converters.Ir.Passes;
using static Converters.Ir.Tests.TestGraphs;

namespace Converters.Ir.Tests.Passes;

public sealed class PassManagerTests
{
    private sealed class RecordingPass(string name, IReadOnlyList<string> required, List<string> log, Action<Graph>? mutate = null) : IGraphPass
    {
        public PassInfo Info { get; } = new(name, required);

        public Graph Run(Graph graph, PassContext context)
        {
            log.Add(name);
            mutate?.Invoke(graph);
            return graph;
        }
    }

    private static Graph Relu() => Single("Relu", S(1, 2, 3, 3));

    [Fact]
    public void Run_RequiredPass_RunsFirstAndOnce()
    {
        var log = new List<string>();
        var fold = new RecordingPass("fold", [], log);
        var fuse = new RecordingPass("fuse", ["fold"], log);
        var manager = new PassManager().Register(fold);
        var seen = new List<string>();

        manager.Run(Relu(), [fuse, fold], new PassContext { AfterPass = (n, _) => seen.Add(n) });

        log.ShouldBe(["fold", "fuse"]);
        seen.ShouldBe(["fold", "fuse"]);
    }

    [Fact]
    public void Run_PassBreakingGraph_FailsNamingPass()
    {
        var breaker = new RecordingPass("breaker", [], [], g => g.Nodes[0].Inputs[0] = "missing");
        GraphVerificationException ex = Should.Throw<GraphVerificationException>(() => new PassManager().Run(Relu(), [breaker]));
        ex.Message.ShouldStartWith("after pass 'breaker': Relu 'n': input 'missing'");
    }

    [Fact]
    public void Run_MissingRequirementOrCycle_Throws()
    {
        var log = new List<string>();
        Should.Throw<InvalidOperationException>(() => new PassManager().Run(Relu(), [new RecordingPass("a", ["ghost"], log)]))
            .Message.ShouldBe("Pass 'a' requires 'ghost', which is not registered.");

        var a = new RecordingPass("a", ["b"], log);
        var b = new RecordingPass("b", ["a"], log);
        Should.Throw<InvalidOperationException>(() => new PassManager().Register(a).Register(b).Run(Relu(), [a]))
            .Message.ShouldContain("cycle");
    }

    [Fact]
    public void Run_DisabledPass_Skipped()
    {
        var log = new List<string>();
        var context = new PassContext();
        context.Disabled.Add("a");
        new PassManager().Run(Relu(), [new RecordingPass("a", [], log), new RecordingPass("b", [], log)], context);
        log.ShouldBe(["b"]);
    }
}
