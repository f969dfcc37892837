from .multi_res_encoder_decoder import MultiResEncoderDecoder

__all__ = ['MultiResEncoderDecoder']
