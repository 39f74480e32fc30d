package dev.npufleet.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.npufleet.protocol.Event;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingJobsTest {
    private final PendingJobs pending = new PendingJobs();

    @Test
    void shouldHandAnEventToTheListenerOfItsJob() {
        List<Event> a = new ArrayList<>();
        List<Event> b = new ArrayList<>();
        pending.register("job-a", a::add);
        pending.register("job-b", b::add);

        boolean known = pending.dispatch(Event.chunk("job-b", "w", 1, 0, "x"));

        assertThat(known).isTrue();
        assertThat(a).isEmpty();
        assertThat(b).extracting(Event::text).containsExactly("x");
    }

    @Test
    void shouldIgnoreEventsOfJobsNotWaitedOnHere() {
        assertThat(pending.dispatch(Event.chunk("elsewhere", "w", 1, 0, "x"))).isFalse();
        assertThat(pending.isPending("elsewhere")).isFalse();
        assertThat(pending.isPending(null)).isFalse();
    }

    @Test
    void shouldForgetAJobOnlyForTheListenerThatRegisteredIt() {
        JobListener first = e -> { };
        JobListener stranger = e -> { };
        pending.register("job", first);

        pending.remove("job", stranger);
        assertThat(pending.isPending("job")).isTrue();

        pending.remove("job", first);
        assertThat(pending.isPending("job")).isFalse();
        assertThat(pending.size()).isZero();
    }

    @Test
    void shouldRefuseASecondListenerForTheSameJob() {
        pending.register("job", e -> { });

        assertThatThrownBy(() -> pending.register("job", e -> { })).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldHandAnEventToItsRequestAndToEveryFollowerUntilEachLetsGo() {
        List<Event> request = new ArrayList<>();
        List<Event> first = new ArrayList<>();
        List<Event> second = new ArrayList<>();
        JobListener firstFollower = first::add;
        JobListener secondFollower = second::add;
        pending.register("job", request::add);
        pending.follow("job", firstFollower);
        pending.follow("job", secondFollower);
        pending.follow("job", secondFollower); // once is enough

        pending.dispatch(Event.chunk("job", "w", 1, 0, "a"));
        pending.unfollow("job", firstFollower);
        pending.unfollow("job", firstFollower);
        pending.dispatch(Event.chunk("job", "w", 1, 1, "b"));

        assertThat(request).extracting(Event::text).containsExactly("a", "b");
        assertThat(first).extracting(Event::text).containsExactly("a");
        assertThat(second).extracting(Event::text).containsExactly("a", "b");
        assertThat(pending.followers()).isEqualTo(1);
        assertThat(pending.size()).as("followers are not requests").isEqualTo(1);
    }

    @Test
    void shouldKeepAFollowedJobPendingWithoutARequestAndForgetItWithItsLastFollower() {
        List<Event> seen = new ArrayList<>();
        JobListener follower = seen::add;
        pending.follow("elsewhere", follower);

        assertThat(pending.isPending("elsewhere")).isTrue();
        assertThat(pending.dispatch(Event.chunk("elsewhere", "w", 1, 0, "x"))).isTrue();

        pending.unfollow("elsewhere", follower);
        assertThat(pending.isPending("elsewhere")).isFalse();
        assertThat(pending.dispatch(Event.chunk("elsewhere", "w", 1, 1, "y"))).isFalse();
        assertThat(seen).extracting(Event::text).containsExactly("x");
        assertThat(pending.followers()).isZero();
    }

    /** Records each call as text: "e:<text>:<more>" for an event, "flush". */
    private static JobListener recorder(List<String> calls) {
        return new JobListener() {
            @Override
            public void onEvent(Event event) {
                onEvent(event, false);
            }

            @Override
            public void onEvent(Event event, boolean moreInBatch) {
                calls.add("e:" + event.text() + ":" + moreInBatch);
            }

            @Override
            public void flush() {
                calls.add("flush");
            }
        };
    }

    @Test
    void shouldResolveWhoWaitsOnAJobToTheRequestAloneOrToTheRequestAndItsFollowers() {
        List<String> request = new ArrayList<>();
        List<String> follower = new ArrayList<>();
        JobListener listener = recorder(request);
        pending.register("job", listener);

        assertThat(pending.waiting("job")).isSameAs(listener);
        assertThat(pending.waiting("other")).isNull();
        assertThat(pending.waiting(null)).isNull();

        JobListener followerListener = recorder(follower);
        pending.follow("job", followerListener);
        JobListener both = pending.waiting("job");
        both.onEvent(Event.chunk("job", "w", 1, 0, "x"), true);
        both.flush();
        assertThat(request).containsExactly("e:x:true", "flush");
        assertThat(follower).containsExactly("e:x:true", "flush");

        pending.remove("job", listener);
        pending.waiting("job").onEvent(Event.chunk("job", "w", 1, 1, "y"), false);
        assertThat(request).hasSize(2);
        assertThat(follower).containsExactly("e:x:true", "flush", "e:y:false");

        pending.unfollow("job", followerListener);
        assertThat(pending.waiting("job")).isNull();
    }
}
