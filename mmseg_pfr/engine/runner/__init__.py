from .no_replay_loop import NoReplayIterBasedTrainLoop

__all__ = ['NoReplayIterBasedTrainLoop']
